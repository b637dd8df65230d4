package io.jpar.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Says which lock a field is read and written under, or, on a method, which lock its caller must
 * hold. {@link #value} names the lock as the owning class's code does: {@code "lock"} for a field of
 * the same class, {@code "DispatchState.lock"} for a lock of another one. For readers only: nothing
 * checks it, and it is gone after compilation (jpar-core has no dependencies to bring a checker's own).
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface GuardedBy {
  /** The lock's name. */
  String value();
}
