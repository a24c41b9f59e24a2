//! A TLS server on 127.0.0.1 whose certificate no client trusts: self-signed, made at
//! start-up with the `openssl` command-line tool. It counts TLS handshakes started and
//! never gets as far as HTTP with a verifying client.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The server; dropping it stops it.
pub struct UntrustedTlsServer {
    addr: std::net::SocketAddr,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl UntrustedTlsServer {
    /// Generates a self-signed certificate for 127.0.0.1 and starts serving TLS with it.
    ///
    /// # Panics
    /// When `openssl` is missing or fails: the test cannot run without it.
    pub async fn start() -> Self {
        let (cert, key) = self_signed_certificate();
        let config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .expect("certificate and key match");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                // The handshake fails when the client rejects the certificate.
                tokio::spawn(async move {
                    let _ = acceptor.accept(stream).await;
                });
            }
        });
        Self {
            addr,
            connections,
            task,
        }
    }

    /// `https://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// TCP connections accepted so far (one per TLS handshake the client began).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for UntrustedTlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A fresh self-signed certificate for `127.0.0.1` and its key, from `openssl req`.
fn self_signed_certificate() -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let dir = scratch_dir();
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .arg("ec_paramgen_curve:prime256v1")
        .args(["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key_path)
        .arg("-out")
        .arg(&cert_path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the openssl command-line tool runs");
    assert!(status.success(), "openssl req failed: {status}");
    let cert = CertificateDer::from_pem_file(&cert_path).expect("a PEM certificate");
    let key = PrivateKeyDer::from_pem_file(&key_path).expect("a PEM private key");
    let _ = std::fs::remove_dir_all(&dir);
    (cert, key)
}

/// A new, empty directory under the system's temporary directory.
fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "openrouter-analytics-tls-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}
