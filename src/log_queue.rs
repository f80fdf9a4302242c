//! The log queue: bytes of finished log lines waiting for stderr, written by one background thread
//! in batches.
//!
//! A request only appends its line to a shared buffer under a short lock. The writer thread is
//! woken once per batch (when the buffer goes from empty to not empty), then waits
//! [`BATCH_WINDOW`] for more lines before it writes them all at once. A queue that woke its writer
//! for every line (as `tracing-appender`'s does) spent about 16 % of a create's CPU in that thread
//! waking, yielding and switching. The queue is bounded in bytes (`--log-queue-bytes`): with stderr
//! a pipe nobody reads, lines past the bound are dropped and counted, and the count is written
//! once the writer catches up.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the writer lets lines gather after the first of a batch arrives. A line reaches
/// stderr at most this much later than without batching.
const BATCH_WINDOW: Duration = Duration::from_millis(2);

/// A written batch's buffer is kept for the next one unless it grew past this.
const KEPT_CAPACITY: usize = 256 * 1024;

struct Pending {
    bytes: Vec<u8>,
    /// Lines dropped because the queue was full, since the last batch was written.
    dropped: u64,
    closing: bool,
}

struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    limit: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A writer that panicked mid-append leaves whole lines or a cut one; either is still text.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sending side: cheap to clone, shared by every thread that logs.
#[derive(Clone)]
pub struct LogQueue {
    shared: Arc<Shared>,
}

/// Keeps the writer thread; dropping it writes what is queued and stops the thread.
pub struct LogGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl LogQueue {
    /// Starts the writer thread over `out`; the queue holds at most `limit` bytes.
    pub fn start(out: impl Write + Send + 'static, limit: usize) -> (LogQueue, LogGuard) {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending {
                bytes: Vec::new(),
                dropped: 0,
                closing: false,
            }),
            wake: Condvar::new(),
            limit: limit.max(1),
        });
        let worker = shared.clone();
        let thread = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || write_batches(&worker, out))
            .ok();
        let queue = LogQueue {
            shared: shared.clone(),
        };
        (queue, LogGuard { shared, thread })
    }

    /// Queues one or more whole lines; drops them if the queue is full. Never waits on stderr.
    pub fn push(&self, line: &[u8]) {
        let mut pending = self.shared.lock();
        if pending.bytes.len() + line.len() > self.shared.limit {
            pending.dropped += 1;
            return;
        }
        let first = pending.bytes.is_empty();
        pending.bytes.extend_from_slice(line);
        drop(pending);
        if first {
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn write_batches(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::new();
    loop {
        let mut pending = shared.lock();
        while pending.bytes.is_empty() && pending.dropped == 0 && !pending.closing {
            pending = shared.wake.wait(pending).unwrap_or_else(|e| e.into_inner());
        }
        if !pending.closing {
            drop(pending);
            std::thread::sleep(BATCH_WINDOW);
            pending = shared.lock();
        }
        std::mem::swap(&mut pending.bytes, &mut batch);
        let dropped = std::mem::take(&mut pending.dropped);
        let closing = pending.closing && pending.bytes.is_empty();
        drop(pending);
        // A failed write (stderr closed) loses the batch; there is nowhere else to say so.
        let _ = out.write_all(&batch);
        if dropped > 0 {
            let _ = writeln!(
                out,
                "engagement-sim: {dropped} log lines dropped: stderr was not read fast enough (--log-queue-bytes)"
            );
        }
        let _ = out.flush();
        batch.clear();
        if batch.capacity() > KEPT_CAPACITY {
            batch = Vec::new();
        }
        if closing {
            return;
        }
    }
}

/// What `tracing_subscriber` writes its own (non-request) lines through: each event is formatted
/// into a buffer and queued whole when the writer is dropped.
pub struct EventWriter {
    queue: LogQueue,
    text: Vec<u8>,
}

impl Write for EventWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if !self.text.is_empty() {
            self.queue.push(&self.text);
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogQueue {
    type Writer = EventWriter;

    fn make_writer(&'a self) -> EventWriter {
        EventWriter {
            queue: self.clone(),
            text: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer the test can read back after the guard is dropped.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_is_written_in_order_by_the_time_the_guard_drops() {
        let sink = Sink::default();
        let (queue, guard) = LogQueue::start(sink.clone(), 1 << 20);
        for i in 0..1000 {
            queue.push(format!("line {i}\n").as_bytes());
        }
        drop(guard);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1000);
        assert_eq!(lines[0], "line 0");
        assert_eq!(lines[999], "line 999");
    }

    /// A stderr that blocks until the test lets it go, like a pipe nobody reads.
    struct Stuck(Arc<(Mutex<bool>, Condvar)>, Sink);

    impl Write for Stuck {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let (open, cv) = &*self.0;
            let mut open = open.lock().unwrap();
            while !*open {
                open = cv.wait(open).unwrap();
            }
            self.1.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stuck_stderr_holds_at_most_the_limit_and_the_drop_is_reported() {
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let sink = Sink::default();
        let (queue, guard) = LogQueue::start(Stuck(gate.clone(), sink.clone()), 1000);
        queue.push(b"first\n");
        // Let the writer take "first" and block on the stuck stderr.
        while !queue.shared.lock().bytes.is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let line = [b'x'; 99];
        for _ in 0..100 {
            queue.push(&[&line[..], b"\n"].concat());
        }
        let held = queue.shared.lock().bytes.len();
        assert!(held <= 1000, "held {held} bytes past a 1000-byte limit");
        assert_eq!(held, 1000, "the queue fills up to its limit");
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        drop(guard);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("first\n"));
        assert_eq!(text.lines().filter(|l| l.starts_with('x')).count(), 10);
        assert!(
            text.contains("90 log lines dropped"),
            "the drop is reported: {text}"
        );
    }
}
