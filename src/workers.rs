//! The runtimes that serve connections: one single-threaded tokio runtime per thread, each owning
//! the sockets handed to it. A connection lives on one thread from accept to close, so its reads,
//! its request and its write never wake another thread; with work stealing, each request on a
//! 2-core machine cost a cross-thread wakeup (a futex and an IPI) about as often as not.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// The serving threads. Dropping this stops them; connections still open on them are closed.
pub struct Workers {
    handles: Vec<Handle>,
    next: AtomicUsize,
    stops: Vec<oneshot::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts `count` serving threads (at least one).
    pub fn start(count: usize) -> Result<Workers, String> {
        let mut workers = Workers {
            handles: Vec::new(),
            next: AtomicUsize::new(0),
            stops: Vec::new(),
            threads: Vec::new(),
        };
        for n in 0..count.max(1) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start a serving runtime: {e}"))?;
            let (stop, stopped) = oneshot::channel::<()>();
            workers.handles.push(runtime.handle().clone());
            workers.stops.push(stop);
            let thread = std::thread::Builder::new()
                .name(format!("serve-{n}"))
                .spawn(move || {
                    let _ = runtime.block_on(stopped);
                    // Connections still open are dropped with the runtime, closing their sockets.
                    runtime.shutdown_background();
                })
                .map_err(|e| format!("cannot start a serving thread: {e}"))?;
            workers.threads.push(thread);
        }
        Ok(workers)
    }

    /// The runtime the next connection goes to, in turn.
    pub fn next(&self) -> &Handle {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        &self.handles[n % self.handles.len()]
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.stops.clear();
        for thread in self.threads.drain(..) {
            // A serving thread never blocks on anything but its runtime, so this is quick; it is
            // skipped when the last owner is one of them (it cannot join itself).
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}
