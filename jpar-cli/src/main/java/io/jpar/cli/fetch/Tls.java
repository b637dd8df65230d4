package io.jpar.cli.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Whom HTTPS trusts, as curl spells it: the JDK's default authorities; or only the certificates in a
 * PEM file ({@code --cacert}); or, when asked with {@code --insecure}, anyone, names unchecked.
 */
public final class Tls {
  private Tls() {}

  /** The JDK's default trust (its cacerts), host names verified. */
  public static SSLContext system() throws GeneralSecurityException {
    return SSLContext.getDefault();
  }

  /**
   * Trusts exactly the certificates in {@code pemFile} (one or more, PEM or DER), host names verified.
   *
   * @throws IOException when the file cannot be read or holds no certificate, with a message saying so
   */
  public static SSLContext trusting(Path pemFile) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pemFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (CertificateException e) {
      throw new IOException(pemFile + " holds no readable certificate (PEM or DER expected): " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IOException(pemFile + " holds no certificate (PEM or DER expected)");
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("cacert-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * Trusts every certificate and skips the host-name check: for test servers only. The check lives in
   * the trust manager (an {@link X509ExtendedTrustManager} is handed the engine and does it there), so
   * one that accepts everything turns both off without a JVM-wide switch.
   */
  public static SSLContext insecure() throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    return ctx;
  }

  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
