package io.jpar;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.jpar.spi.Job;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The module's shape, as module-info.java and ARCHITECTURE.md state it: what users see is {@code io.jpar}
 * and {@code io.jpar.spi} and never mentions an internal type; the layers run API -> core -> backends
 * without the core knowing any backend; the worker's code is a leaf; the internal packages have no
 * cycles; users get a {@code TaskFuture}, never a {@code Job}. Each rule says what to do when it fails.
 */
@AnalyzeClasses(packages = "io.jpar", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String API = "io.jpar";
  private static final String SPI = "io.jpar.spi";
  private static final String CORE = "io.jpar.internal";
  private static final String INTERNAL = "io.jpar.internal..";
  private static final String THREAD = "io.jpar.internal.thread..";
  private static final String PROCESS = "io.jpar.internal.process";
  private static final String WIRE = "io.jpar.internal.process.wire..";
  private static final String WORKER = "io.jpar.internal.process.worker..";
  private static final String AUTO = "io.jpar.internal.auto..";
  private static final String JFR = "io.jpar.internal.jfr..";
  private static final String OS = "io.jpar.internal.os..";

  private static final DescribedPredicate<JavaClass> VISIBLE_TO_USERS =
      DescribedPredicate.describe("are visible to users (public types of io.jpar and io.jpar.spi)",
          ArchitectureTest::isVisibleToUsers);

  // (i) Users see no internal type.

  @ArchTest
  static final ArchRule publicSignaturesMentionNoInternalType =
      classes()
          .that(VISIBLE_TO_USERS)
          .should(mentionNoInternalTypeInTheirPublicSignatures())
          .because("io.jpar.internal is not exported, so a user could not name such a type, and every"
              + " change to it would break them; to fix: return or take an API type (an io.jpar"
              + " interface the internal class implements), or move the type into io.jpar or"
              + " io.jpar.spi and document it as API");

  // (ii) Layers: API -> core -> backends; the core never knows a backend.

  @ArchTest
  static final ArchRule coreKnowsNoBackend =
      noClasses()
          .that().resideInAPackage(CORE)
          .should().dependOnClassesThat().resideInAnyPackage(THREAD, PROCESS + "..", AUTO)
          .because("the core (io.jpar.internal: BackendPool, Fanout, JobFuture, ...) runs every backend"
              + " through io.jpar.spi.Backend and must not pick one; to fix: move the shared code into"
              + " io.jpar.internal, or add what the core needs to the Backend interface; backends are"
              + " chosen only by the builders in io.jpar");

  @ArchTest
  static final ArchRule threadBackendUsesOnlyCoreAndApi =
      backend(THREAD).because(usesOnlyCoreAndApi("io.jpar.internal.thread"));

  @ArchTest
  static final ArchRule processBackendUsesOnlyCoreAndApi =
      backend(PROCESS, WIRE).because(usesOnlyCoreAndApi("io.jpar.internal.process"));

  @ArchTest
  static final ArchRule autoUsesOnlyCoreApiAndTheOtherBackends =
      backend(AUTO, THREAD, PROCESS, WIRE)
          .because("auto is a backend made of the other backends (their parent sides), over the core"
              + " and the API; to fix: go through a backend's public entry points (PlatformThreadBackend,"
              + " VirtualThreadBackend, ProcessBackend, ProcessSettings) or move shared code into the"
              + " core");

  @ArchTest
  static final ArchRule workerUsesOnlyTheWireTheApiAndTheJdk =
      classes()
          .that().resideInAPackage(WORKER)
          .should().onlyDependOnClassesThat(
              resideOutsideOfPackage("io.jpar..").or(resideInAnyPackage(WORKER, WIRE, API, SPI, OS)))
          .because("io.jpar.internal.process.worker is the code of a worker JVM: it speaks the wire"
              + " (io.jpar.internal.process.wire), runs an io.jpar.Task, makes an io.jpar.spi.Codec and reads"
              + " the operating system's clocks (io.jpar.internal.os),"
              + " and must not load the parent's machinery; to fix: move what both sides need into"
              + " io.jpar.internal.process.wire");

  @ArchTest
  static final ArchRule wireUsesOnlyTheApiAndTheJdk =
      classes()
          .that().resideInAPackage(WIRE)
          .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.jpar..").or(resideInAnyPackage(WIRE, API, SPI)))
          .because("the wire is what the worker JVM shares with the parent, so it must not pull in the"
              + " parent side or the core; to fix: keep the parent's half in io.jpar.internal.process and"
              + " pass it plain values");

  @ArchTest
  static final ArchRule osReadingsUseOnlyTheJdk =
      classes()
          .that().resideInAPackage(OS)
          .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.jpar.."))
          .because("io.jpar.internal.os reads the operating system for both the caller's JVM and the"
              + " workers', so it must know neither; to fix: return plain numbers and interpret them where"
              + " they are used");

  @ArchTest
  static final ArchRule jfrEventsUseOnlyTheJdk =
      classes()
          .that().resideInAPackage(JFR)
          .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.jpar.."))
          .because("the Flight Recorder events (io.jpar.internal.jfr) are emitted by the core and by every"
              + " backend, so they must know neither; to fix: give the event plain fields (strings,"
              + " numbers) and fill them where it is emitted");

  @ArchTest
  static final ArchRule nothingLinksToTheWorker =
      noClasses()
          .that().resideOutsideOfPackage(WORKER)
          .should().dependOnClassesThat().resideInAPackage(WORKER)
          .because("the worker's code runs only in a worker JVM, started by class name; to fix: name"
              + " the class in a string (WorkerLauncher.WORKER_MAIN) and share code through"
              + " io.jpar.internal.process.wire");

  @ArchTest
  static final ArchRule spiUsesNoInternalType =
      noClasses()
          .that().resideInAPackage(SPI)
          .should().dependOnClassesThat().resideInAPackage(INTERNAL)
          .because("the SPI is implemented outside this module, where io.jpar.internal cannot be seen;"
              + " to fix: put what an implementation needs into io.jpar.spi (an interface the core"
              + " implements, as BackendContext)");

  @ArchTest
  static final ArchRule internalPackagesHaveNoCycles =
      slices()
          .assignedFrom(eachInternalPackage())
          .should().beFreeOfCycles()
          .because("each internal package is a layer or a backend that builds on the ones below it; to"
              + " fix: move the type both sides need down to the lower package (the core, or the wire),"
              + " or invert the dependency with an interface in the lower one");

  // (iii) Users get a view, never a Job.

  @ArchTest
  static final ArchRule theApiHandsOutNoJob =
      classes()
          .that(VISIBLE_TO_USERS).and().resideInAPackage(API)
          .should(handOutNoJob())
          .because("a Job is the backend's side of a task (complete, fail, countLostRun); a user holding"
              + " one could complete it; to fix: return a TaskFuture (the core wraps a JobFuture in a"
              + " FutureView), an Outcome, a List or a Stream of them");

  @ArchTest
  static final ArchRule noApiTypeIsAJob =
      noClasses()
          .that().resideInAPackage(API)
          .should().beAssignableTo(Job.class)
          .because("an API type that is a Job would let users complete jobs; to fix: keep Job"
              + " implementations in io.jpar.internal and hand out views");

  private static ArchRule backend(String backend, String... alsoAllowed) {
    List<String> allowed = new ArrayList<>(List.of(backend, CORE, API, SPI, JFR, OS));
    allowed.addAll(List.of(alsoAllowed));
    return classes()
        .that().resideInAPackage(backend)
        .should().onlyDependOnClassesThat(
            resideOutsideOfPackage("io.jpar..").or(resideInAnyPackage(allowed.toArray(String[]::new))));
  }

  private static String usesOnlyCoreAndApi(String backend) {
    return "a backend builds on the core (io.jpar.internal) and the API and knows no other backend ("
        + backend + " is one of several the builders and auto choose from); to fix: move the shared"
        + " code into io.jpar.internal";
  }

  /** Public, or protected, in types that are themselves visible: what a user can name. */
  private static boolean isVisibleToUsers(JavaClass c) {
    if (!c.getPackageName().equals(API) && !c.getPackageName().equals(SPI)) {
      return false;
    }
    for (JavaClass t = c; t != null; t = t.getEnclosingClass().orElse(null)) {
      if (!isVisible(t.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isVisible(Collection<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static ArchCondition<JavaClass> mentionNoInternalTypeInTheirPublicSignatures() {
    return new ArchCondition<>("mention no io.jpar.internal type in a public or protected signature") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        forEachSignatureType(c, (where, role, type) -> {
          for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            if (isInternal(raw.getPackageName())) {
              events.add(SimpleConditionEvent.violated(c, where + " mentions " + raw.getName()));
            }
          }
        });
      }
    };
  }

  private static ArchCondition<JavaClass> handOutNoJob() {
    return new ArchCondition<>("hand out no io.jpar.spi.Job (nor JobFuture) from a public member") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        forEachSignatureType(c, (where, role, type) -> {
          if (role == Role.PARAMETER || role == Role.THROWS) {
            return; // what users pass in, not what they get
          }
          for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            if (raw.isAssignableTo(Job.class)) {
              events.add(SimpleConditionEvent.violated(c, where + " hands out " + raw.getName()));
            }
          }
        });
      }
    };
  }

  private enum Role {
    SUPERTYPE, TYPE_BOUND, FIELD, RETURN, PARAMETER, THROWS
  }

  private interface SignatureVisitor {
    void visit(String where, Role role, JavaType type);
  }

  private static boolean isInternal(String packageName) {
    return packageName.equals(CORE) || packageName.startsWith(CORE + ".");
  }

  /** Every type in what a user of {@code c} sees: its supertypes, type parameters, and visible members. */
  private static void forEachSignatureType(JavaClass c, SignatureVisitor visitor) {
    c.getSuperclass().ifPresent(t -> visitor.visit(c.getName() + " extends", Role.SUPERTYPE, t));
    c.getInterfaces().forEach(t -> visitor.visit(c.getName() + " implements", Role.SUPERTYPE, t));
    typeParameters(c.getTypeParameters(), c.getName(), visitor);
    for (JavaMember m : c.getMembers()) {
      if (!isVisible(m.getModifiers()) || m.getModifiers().contains(JavaModifier.SYNTHETIC)) {
        continue;
      }
      String where = m.getFullName();
      if (m instanceof JavaField f) {
        visitor.visit(where + " (field type)", Role.FIELD, f.getType());
      } else if (m instanceof JavaCodeUnit u) {
        visitor.visit(where + " (return type)", Role.RETURN, u.getReturnType());
        u.getParameterTypes().forEach(t -> visitor.visit(where + " (parameter)", Role.PARAMETER, t));
        u.getThrowsClause().getTypes().forEach(t -> visitor.visit(where + " (throws)", Role.THROWS, t));
        typeParameters(u.getTypeParameters(), where, visitor);
      }
    }
  }

  private static void typeParameters(
      List<? extends JavaTypeVariable<?>> parameters, String where, SignatureVisitor visitor) {
    for (JavaTypeVariable<?> v : parameters) {
      v.getUpperBounds().forEach(t -> visitor.visit(where + " (bound of " + v.getName() + ")", Role.TYPE_BOUND, t));
    }
  }

  /** One slice per package under io.jpar.internal, the core itself included; the rest is left out. */
  private static SliceAssignment eachInternalPackage() {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass c) {
        return isInternal(c.getPackageName()) ? SliceIdentifier.of(c.getPackageName()) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "each package of io.jpar.internal";
      }
    };
  }
}
