//! The HTTP server: our own accept loop over hyper, so each connection's task owns its socket and
//! can carry out a scenario's connection faults (reset, close without a response, hold until the
//! client gives up), bound how long a client may take to send its headers and body (with
//! [`crate::conn`]'s slots and body deadlines), and drain in-flight requests on shutdown.

use std::future::Future;
#[cfg(unix)]
use std::os::fd::{AsRawFd as AsRaw, BorrowedFd as Borrowed, RawFd as Raw};
#[cfg(windows)]
use std::os::windows::io::{AsRawSocket as AsRaw, BorrowedSocket as Borrowed, RawSocket as Raw};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Semaphore};
use tower::ServiceExt;

use crate::fault::Fault;
use crate::respond::ConnectionFault;
use crate::state::AppState;

/// A client has this long to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A `timeout` fault holds the connection at most this long.
const HOLD_LIMIT: Duration = Duration::from_secs(600);

/// Serves `router` on `listener` until `shutdown` completes, then drains. Requests `shortcut`
/// takes skip the router and go straight to the pipeline.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shortcut: Shortcut,
    tls: Option<crate::tls::Acceptor>,
    workers: Arc<crate::workers::Workers>,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let limits = shortcut.state.config.connections;
    let permits = Arc::new(Semaphore::new(limits.max));
    let slots = crate::conn::Slots::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => break,
        };
        // At the cap, the connection that has waited longest without a complete request makes
        // room (crate::conn); when every one is busy with a request, wait for one to finish.
        let permit = match permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                slots.shed_oldest();
                tokio::select! {
                    permit = permits.clone().acquire_owned() => match permit { Ok(p) => p, Err(_) => break },
                    _ = &mut shutdown => break,
                }
            }
        };
        let (stream, _peer) = match accepted {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // The socket moves to its serving thread's reactor: it is registered there, not here.
        let Ok(stream) = stream.into_std() else {
            continue;
        };
        let (router, shortcut, tls) = (router.clone(), shortcut.clone(), tls.clone());
        let slot = slots.open();
        let conn_slots = slots.clone();
        let graceful = graceful.watcher();
        workers.next().spawn(async move {
            let _permit = permit;
            let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
                return;
            };
            serve_connection(
                stream, router, shortcut, tls, limits, conn_slots, slot, graceful,
            )
            .await;
        });
    }
    drop(listener);
    let drain = limits.drain_timeout;
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "some requests were still running after {drain:?}; they are cancelled unanswered"
        );
    }
}

/// Serves one connection on the serving thread it was handed to, until it closes, a scenario's
/// fault ends it, or it is shed to make room.
#[allow(clippy::too_many_arguments)]
async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    shortcut: Shortcut,
    tls: Option<crate::tls::Acceptor>,
    limits: crate::config::ConnectionLimits,
    conn_slots: Arc<crate::conn::Slots>,
    slot: crate::conn::SlotGuard,
    graceful: hyper_util::server::graceful::Watcher,
) {
    #[cfg(unix)]
    let fd = stream.as_raw_fd();
    #[cfg(windows)]
    let fd = stream.as_raw_socket();
    let (fault_tx, mut fault_rx) = mpsc::channel::<Fault>(1);
    let conn_slot = slot.slot.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let (router, shortcut) = (router.clone(), shortcut.clone());
        let fault_tx = fault_tx.clone();
        let (slots, slot) = (conn_slots.clone(), conn_slot.clone());
        async move {
            slot.enter(hyper::body::Body::is_end_stream(req.body()));
            let req = req.map(|body| {
                Body::new(crate::conn::TimedBody::new(
                    body,
                    slot.clone(),
                    limits.body_timeout,
                    limits.body_min_rate,
                ))
            });
            let response = if shortcut.takes(req.uri().path()) {
                crate::pipeline::dispatch(shortcut.state.clone(), shortcut.fixed, req).await
            } else {
                router
                    .oneshot(req)
                    .await
                    .unwrap_or_else(|never| match never {})
            };
            if let Some(ConnectionFault(fault)) =
                response.extensions().get::<ConnectionFault>().copied()
            {
                let _ = fault_tx.send(fault).await;
                std::future::pending::<()>().await;
            }
            if shortcut.state.answers_closed.load(Ordering::SeqCst) {
                // After the final save began: cancelled, the connection closes unanswered.
                return Err(Cancelled);
            }
            slots.idle(&slot);
            Ok::<_, Cancelled>(response)
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(
            TokioIo::new(crate::tls::Stream::new(stream, tls.as_ref())),
            service,
        );
    let conn = graceful.watch(conn);
    let shed = slot.slot.clone();
    let _slot = slot;
    tokio::pin!(conn);
    tokio::select! {
        _ = &mut conn => {}
        Some(fault) = fault_rx.recv() => carry_out(fault, fd, conn).await,
        // Dropping the connection closes its socket.
        _ = shed.shed() => {}
    }
}

/// A request still running when the final save began: it must not answer (see
/// [`AppState::answers_closed`]); hyper closes its connection.
#[derive(Debug)]
struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled by shutdown after the drain")
    }
}

impl std::error::Error for Cancelled {}

/// Which requests of a listener go straight to [`crate::pipeline::dispatch`] instead of through
/// the axum router: calls to a vendor that has no axum routes of its own (every call but the admin
/// API and Seismic's). The router would end in the same fallback; skipping its matching, nesting
/// and service layers saved about 3 % of a create's CPU.
#[derive(Clone)]
pub struct Shortcut {
    state: Arc<AppState>,
    /// The vendor served at the root of this listener (`--vendor-listen`), if any.
    fixed: Option<usize>,
    /// Per vendor: whether it has axum routes, which the router must see.
    routed: Arc<[bool]>,
}

impl Shortcut {
    pub fn new(state: Arc<AppState>, fixed: Option<usize>) -> Shortcut {
        // CORS is a router layer: with `--cors-origin` every call goes through the router.
        let cors = !state.config.cors_origins.is_empty();
        let routed = state
            .vendors()
            .iter()
            .map(|v| cors || v.has_routes())
            .collect();
        Shortcut {
            state,
            fixed,
            routed,
        }
    }

    fn takes(&self, path: &str) -> bool {
        match self.fixed {
            Some(index) => !self.routed[index],
            None => {
                !path.starts_with("/__admin")
                    && self
                        .state
                        .registry
                        .by_prefix(path)
                        .is_some_and(|(index, _)| !self.routed[index])
            }
        }
    }
}

/// Ends a connection the way the fault asks. `conn` still owns the socket behind `fd` when this
/// starts, which is what makes borrowing the descriptor sound.
async fn carry_out<C>(fault: Fault, fd: Raw, conn: C) {
    // SAFETY: `conn` owns the socket and is alive until it is dropped below.
    let fd = unsafe { Borrowed::borrow_raw(fd) };
    let socket = socket2::SockRef::from(&fd);
    match fault {
        Fault::ConnectionReset => {
            // Linger 0: closing sends RST instead of FIN.
            let _ = socket.set_linger(Some(Duration::ZERO));
            drop(conn);
        }
        Fault::Timeout => {
            // Keep a second descriptor so the socket stays open after hyper lets go of it; wait for
            // the client to give up (EOF or error), or for the hold limit.
            let held = socket.try_clone();
            drop(conn);
            if let Ok(held) = held {
                hold_until_peer_leaves(held).await;
            }
        }
        Fault::EmptyResponse | Fault::MalformedBody | Fault::SlowBody => drop(conn),
    }
}

async fn hold_until_peer_leaves(socket: socket2::Socket) {
    let std_stream: std::net::TcpStream = socket.into();
    if std_stream.set_nonblocking(true).is_err() {
        return;
    }
    let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) else {
        return;
    };
    let mut buf = [0u8; 1024];
    let _ = tokio::time::timeout(HOLD_LIMIT, async {
        loop {
            stream.readable().await?;
            match stream.try_read(&mut buf) {
                Ok(0) => return Ok::<_, std::io::Error>(()),
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
    })
    .await;
}
