//! HTTPS for `serve --tls`: the server certificate (made at start by a throw-away local CA for
//! `localhost` and `127.0.0.1`, or read from `--tls-cert`/`--tls-key`) and [`Stream`], the thin
//! wrapper the accept loop puts around each accepted socket. The wrapper does the handshake on
//! the connection's own task, on first use, so a slow client never holds up the accept loop.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

pub type Acceptor = tokio_rustls::TlsAcceptor;

/// Where the server certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Made at start; the CA that signed it is written to `ca_out` for clients to trust.
    Generated { ca_out: PathBuf },
    /// The user's own PEM files.
    Files { cert: PathBuf, key: PathBuf },
}

/// The names the generated certificate is valid for.
pub const NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// Builds the acceptor every listener shares. For a generated certificate this writes the CA's
/// PEM to its file first.
pub fn acceptor(source: &Source) -> Result<Acceptor, String> {
    let (chain, key) = match source {
        Source::Generated { ca_out } => generate(ca_out)?,
        Source::Files { cert, key } => read(cert, key)?,
    };
    // ring, named explicitly: no process-wide provider to install, and no C toolchain beyond
    // what ring needs on any target.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("TLS: the certificate and key do not make a usable pair: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Acceptor::from(Arc::new(config)))
}

type Pair = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// A CA (so clients trust one file, whatever the leaf) and a leaf it signs for [`NAMES`]. The
/// leaf carries the authority key id and server-auth usage that strict verifiers (Python 3.13's
/// default context, webpki) insist on.
fn generate(ca_out: &Path) -> Result<Pair, String> {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose,
    };
    let fail = |e: rcgen::Error| format!("TLS: cannot make a certificate: {e}");
    let mut ca = CertificateParams::default();
    ca.distinguished_name
        .push(DnType::CommonName, "engagement-sim local CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().map_err(fail)?).map_err(fail)?;
    let names: Vec<String> = NAMES.iter().map(|n| (*n).to_owned()).collect();
    let mut leaf = CertificateParams::new(names).map_err(fail)?;
    leaf.distinguished_name.push(DnType::CommonName, NAMES[0]);
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().map_err(fail)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &ca).map_err(fail)?;
    std::fs::write(ca_out, ca.pem())
        .map_err(|e| format!("TLS: cannot write the CA to {}: {e}", ca_out.display()))?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    Ok((vec![leaf_cert.der().clone(), ca.der().clone()], key))
}

fn read(cert: &Path, key: &Path) -> Result<Pair, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "--tls-cert {}: no certificate in it",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("--tls-key {}: {e}", key.display()))?;
    Ok((chain, key))
}

/// An accepted connection: plain, or TLS once its handshake is done.
pub struct Stream {
    state: State,
}

enum State {
    Plain(TcpStream),
    Handshake(Box<tokio_rustls::Accept<TcpStream>>),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
    Failed,
}

impl Stream {
    pub fn new(stream: TcpStream, tls: Option<&Acceptor>) -> Stream {
        let state = match tls {
            Some(acceptor) => State::Handshake(Box::new(acceptor.accept(stream))),
            None => State::Plain(stream),
        };
        Stream { state }
    }

    /// Finishes the handshake if one is under way.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let State::Handshake(accept) = &mut self.state {
            match ready!(Pin::new(&mut **accept).poll(cx)) {
                Ok(stream) => self.state = State::Tls(Box::new(stream)),
                Err(e) => {
                    self.state = State::Failed;
                    return Poll::Ready(Err(e));
                }
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// Runs `$call` on whichever stream is ready, after the handshake.
macro_rules! on_ready {
    ($self:ident, $cx:ident, |$s:ident| $call:expr) => {{
        let this = $self.get_mut();
        ready!(this.poll_ready($cx))?;
        match &mut this.state {
            State::Plain($s) => {
                let $s = Pin::new($s);
                $call
            }
            State::Tls(stream) => {
                let $s = Pin::new(&mut **stream);
                $call
            }
            State::Handshake(_) | State::Failed => {
                Poll::Ready(Err(io::Error::from(io::ErrorKind::NotConnected)))
            }
        }
    }};
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        on_ready!(self, cx, |s| s.poll_read(cx, buf))
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        on_ready!(self, cx, |s| s.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        on_ready!(self, cx, |s| s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        // Asked once, before any handshake: only a plain socket is known to take vectors well.
        matches!(self.state, State::Plain(_))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        on_ready!(self, cx, |s| s.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        on_ready!(self, cx, |s| s.poll_shutdown(cx))
    }
}
