//! Connection slots and request-body deadlines: what keeps one client from holding every
//! connection with no traffic. A body must arrive within `--body-timeout` plus one second per
//! `--body-min-rate` bytes received; past it the read fails and the connection closes. And when all
//! `--max-connections` slots are taken, the connection that has waited longest without a complete
//! request (reading headers, dripping or withholding a body, idle keep-alive) is closed to make room,
//! so hostile connections cannot lock a normal client out for the length of a timeout.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::sync::Notify;
use tokio::time::Sleep;

use crate::store::lock;

/// One connection as the slot table sees it.
pub struct Slot {
    /// Milliseconds since the table's start when it last began to wait for a request.
    since_ms: AtomicU64,
    /// Handling a request whose body has fully arrived: never shed.
    busy: AtomicBool,
    shed: Notify,
}

impl Slot {
    /// A request's handler starts; a request with no body to wait for is busy at once.
    pub fn enter(&self, body_complete: bool) {
        self.busy.store(body_complete, Ordering::Relaxed);
    }

    /// The request's body has fully arrived.
    pub fn body_complete(&self) {
        self.busy.store(true, Ordering::Relaxed);
    }

    /// Completes when the table wants this connection closed.
    pub async fn shed(&self) {
        self.shed.notified().await;
    }
}

/// Every open connection of one listener.
pub struct Slots {
    open: Mutex<HashMap<u64, Arc<Slot>>>,
    next: AtomicU64,
    start: Instant,
}

/// Removes its slot from the table when the connection ends.
pub struct SlotGuard {
    slots: Arc<Slots>,
    id: u64,
    pub slot: Arc<Slot>,
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        lock::lock(&self.slots.open).remove(&self.id);
    }
}

impl Slots {
    pub fn new() -> Arc<Slots> {
        Arc::new(Slots {
            open: Mutex::new(HashMap::new()),
            next: AtomicU64::new(0),
            start: Instant::now(),
        })
    }

    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Registers a new connection, waiting for its first request.
    pub fn open(self: &Arc<Slots>) -> SlotGuard {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot {
            since_ms: AtomicU64::new(self.now_ms()),
            busy: AtomicBool::new(false),
            shed: Notify::new(),
        });
        lock::lock(&self.open).insert(id, slot.clone());
        SlotGuard {
            slots: self.clone(),
            id,
            slot,
        }
    }

    /// A request was answered: the connection waits for the next one from now.
    pub fn idle(&self, slot: &Slot) {
        slot.busy.store(false, Ordering::Relaxed);
        slot.since_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// Asks the connection that has waited longest without a complete request to close; false
    /// when every connection is busy with one.
    pub fn shed_oldest(&self) -> bool {
        let open = lock::lock(&self.open);
        let oldest = open
            .values()
            .filter(|s| !s.busy.load(Ordering::Relaxed))
            .min_by_key(|s| s.since_ms.load(Ordering::Relaxed));
        match oldest {
            Some(slot) => {
                // Busy from here on so a second shed picks another one.
                slot.busy.store(true, Ordering::Relaxed);
                slot.shed.notify_one();
                true
            }
            None => false,
        }
    }
}

/// A request body that must keep arriving: the deadline is `timeout` after the request started
/// plus one second per `min_rate` bytes received so far.
pub struct TimedBody {
    inner: Incoming,
    slot: Arc<Slot>,
    started: tokio::time::Instant,
    received: u64,
    timeout: Duration,
    min_rate: u64,
    deadline: Pin<Box<Sleep>>,
}

impl TimedBody {
    pub fn new(inner: Incoming, slot: Arc<Slot>, timeout: Duration, min_rate: u64) -> TimedBody {
        let started = tokio::time::Instant::now();
        TimedBody {
            inner,
            slot,
            started,
            received: 0,
            timeout,
            min_rate: min_rate.max(1),
            deadline: Box::pin(tokio::time::sleep_until(started + timeout)),
        }
    }

    fn error(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "the body stopped arriving: {} bytes in {} ms, under the minimum of {} s plus 1 s per {} bytes",
                self.received,
                self.started.elapsed().as_millis(),
                self.timeout.as_secs(),
                self.min_rate
            ),
        )
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let allowed = this.timeout
                        + Duration::from_secs_f64(this.received as f64 / this.min_rate as f64);
                    this.deadline.as_mut().reset(this.started + allowed);
                }
                if this.inner.is_end_stream() {
                    this.slot.body_complete();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => {
                this.slot.body_complete();
                Poll::Ready(None)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(this.error())))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether a declared `Content-Length` is already over `limit`: answered before the body is
/// touched, so a client that sent `Expect: 100-continue` gets its 413 instead of `100 Continue`.
pub fn declared_over(headers: &axum::http::HeaderMap, limit: usize) -> bool {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
}
