//! The request journal: a bounded ring of what was asked and answered, in arrival order.
//!
//! Each slot has its own small lock and a global atomic counter picks the slot, so concurrent
//! requests never wait on one another to be recorded. The journal is bounded in bytes as well as
//! in entries: bodies are cut at [`BODY_LIMIT`] bytes (with a marker), and when the entries held
//! exceed the byte budget (`--journal-max-bytes`) the oldest are forgotten before the ring wraps.
//!
//! New entries are also offered to live watchers (the dashboard's stream) through a bounded
//! broadcast channel: sending never waits, and a watcher that falls behind loses the oldest
//! entries it has not read (and is told how many) rather than slowing the request that recorded
//! them. With nobody watching, nothing is sent.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{broadcast, watch};

use crate::store::lock::lock;
use crate::tenant::Tenants;

/// The most bytes of one body the journal keeps.
pub const BODY_LIMIT: usize = 4096;

/// Headers whose values are credentials and are never written to the journal.
const MASKED: [&str; 5] = [
    "authorization",
    "x-account-token",
    "cookie",
    "set-cookie",
    "x-api-key",
];

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: u64,
    #[serde(serialize_with = "serialize_time")]
    pub time: DateTime<Utc>,
    pub vendor: Option<&'static str>,
    pub operation: Option<&'static str>,
    /// The tenant's fingerprint.
    pub tenant: Option<Arc<str>>,
    #[serde(skip)]
    pub tenant_key: Option<Arc<str>>,
    #[serde(serialize_with = "serialize_method")]
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    pub duration_ms: f64,
    /// The scenario rule that decided the answer (`scenario-name#index`), if one did.
    pub rule: Option<String>,
    pub request: Exchange,
    pub response: Exchange,
}

/// One side of a call, copied compactly: the headers as one `name: value` text (credentials are
/// masked whenever it is written out) and the body cut to [`BODY_LIMIT`]. Copying matters: the
/// received header values and body are slices of the connection's read buffer, and keeping them
/// would keep whole buffers alive.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    #[serde(serialize_with = "serialize_headers")]
    pub headers: Box<str>,
    #[serde(serialize_with = "serialize_body")]
    pub body: Bytes,
}

fn serialize_headers<S: serde::Serializer>(headers: &str, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(None)?;
    for line in headers.lines() {
        let (name, value) = line.split_once(": ").unwrap_or((line, ""));
        let value = if MASKED.contains(&name) {
            mask(value)
        } else {
            value.to_owned()
        };
        seq.serialize_element(&(name, value))?;
    }
    seq.end()
}

impl Entry {
    /// About what this entry keeps in memory: its fixed part and everything it points to.
    fn footprint(&self) -> usize {
        std::mem::size_of::<Entry>()
            + self.method.as_str().len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self.rule.as_ref().map_or(0, String::len)
            + self.request.footprint()
            + self.response.footprint()
    }
}

impl Exchange {
    fn footprint(&self) -> usize {
        self.headers.len() + self.body.len()
    }

    /// An answer, whose body the simulator built itself: a body within [`BODY_LIMIT`] is shared
    /// rather than copied, since holding it keeps no connection buffer alive.
    pub fn capture_answer(headers: &HeaderMap, body: &Bytes) -> Exchange {
        if body.len() > BODY_LIMIT {
            return Exchange::capture(headers, body);
        }
        Exchange {
            headers: header_text(headers),
            body: body.clone(),
        }
    }

    pub fn capture(headers: &HeaderMap, body: &Bytes) -> Exchange {
        let body = if body.len() > BODY_LIMIT {
            let mut cut = Vec::with_capacity(BODY_LIMIT + 48);
            cut.extend_from_slice(&body[..BODY_LIMIT]);
            cut.extend_from_slice(
                format!("…[truncated {} bytes]", body.len() - BODY_LIMIT).as_bytes(),
            );
            Bytes::from(cut)
        } else {
            Bytes::copy_from_slice(body)
        };
        Exchange {
            headers: header_text(headers),
            body,
        }
    }
}

fn header_text(headers: &HeaderMap) -> Box<str> {
    // Sized exactly, so the boxed text is the buffer as written, not a shrunk copy of it.
    let length = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 3)
        .sum();
    let mut text = String::with_capacity(length);
    for (name, value) in headers {
        text.push_str(name.as_str());
        text.push_str(": ");
        // Header values never hold CR or LF, so one value stays on one line.
        text.push_str(&String::from_utf8_lossy(value.as_bytes()));
        text.push('\n');
    }
    text.into_boxed_str()
}

/// Keeps the scheme word (`Bearer`) so a reader sees what kind of credential was sent.
fn mask(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} ****"),
        None if value.is_empty() => String::new(),
        None => "****".to_owned(),
    }
}

fn serialize_method<S: serde::Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.as_str())
}

fn serialize_time<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&crate::clock::Rfc3339(*t), s)
}

fn serialize_body<S: serde::Serializer>(body: &Bytes, s: S) -> Result<S::Ok, S::Error> {
    if body.is_empty() {
        return s.serialize_none();
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => v.serialize(s),
        Err(_) => s.serialize_str(&String::from_utf8_lossy(body)),
    }
}

/// Which entries an admin call asks for.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub vendor: Option<String>,
    pub operation: Option<String>,
    /// A tenant fingerprint or the raw credential.
    pub tenant: Option<String>,
    pub status: Option<u16>,
    pub limit: Option<usize>,
    /// JSON pointer → value pairs that the request body must hold.
    #[serde(default)]
    pub body: serde_json::Map<String, Value>,
}

impl Filter {
    pub fn accepts(&self, e: &Entry) -> bool {
        self.vendor.as_deref().is_none_or(|v| e.vendor == Some(v))
            && self
                .operation
                .as_deref()
                .is_none_or(|o| e.operation == Some(o))
            && self.status.is_none_or(|s| e.status == s)
            && self.tenant.as_deref().is_none_or(|t| {
                e.tenant.as_deref() == Some(t)
                    || e.tenant_key
                        .as_deref()
                        .is_some_and(|k| Tenants::matches(t, k))
            })
            && (self.body.is_empty() || self.body_matches(e))
    }

    fn body_matches(&self, e: &Entry) -> bool {
        let Ok(body) = serde_json::from_slice::<Value>(&e.request.body) else {
            return false;
        };
        self.body
            .iter()
            .all(|(ptr, want)| body.pointer(ptr) == Some(want))
    }
}

pub struct Journal {
    slots: Box<[Mutex<Option<Arc<Entry>>>]>,
    next_seq: AtomicU64,
    /// What the entries held take, by [`Entry::footprint`].
    bytes: AtomicUsize,
    byte_budget: usize,
    /// Every entry with a lower sequence number has been forgotten or overwritten.
    trimmed: AtomicU64,
    /// New entries, for live watchers; holds at most `--journal-stream-backlog` unread entries.
    live: broadcast::Sender<Arc<Entry>>,
    /// Set when the server stops, so open streams end instead of holding the drain.
    closing: watch::Sender<bool>,
}

impl Journal {
    /// A ring of `capacity` entries holding at most about `byte_budget` bytes (0: no byte bound);
    /// a live watcher may fall `backlog` new entries behind.
    pub fn new(capacity: usize, byte_budget: usize, backlog: usize) -> Journal {
        let capacity = capacity.max(1);
        Journal {
            slots: (0..capacity).map(|_| Mutex::new(None)).collect(),
            next_seq: AtomicU64::new(1),
            bytes: AtomicUsize::new(0),
            byte_budget: if byte_budget == 0 {
                usize::MAX
            } else {
                byte_budget
            },
            trimmed: AtomicU64::new(1),
            live: broadcast::channel(backlog.max(1)).0,
            closing: watch::channel(false).0,
        }
    }

    /// Entries recorded from now on, as they are recorded, and a signal that turns true when the
    /// server stops.
    pub fn watch(&self) -> (broadcast::Receiver<Arc<Entry>>, watch::Receiver<bool>) {
        (self.live.subscribe(), self.closing.subscribe())
    }

    /// Tells every live watcher to end.
    pub fn close_watchers(&self) {
        self.closing.send_replace(true);
    }

    /// Takes the next sequence number; the entry is stored by [`Journal::record`].
    pub fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed)
    }

    pub fn record(&self, entry: Entry) {
        let seq = entry.seq;
        let size = entry.footprint();
        let entry = Arc::new(entry);
        {
            let mut guard = self.slot(seq);
            // A slower writer of an older entry must not overwrite a newer one.
            if guard.as_ref().is_some_and(|old| old.seq >= seq) {
                return;
            }
            if let Some(old) = guard.replace(entry.clone()) {
                self.bytes.fetch_sub(old.footprint(), Ordering::Relaxed);
            }
            self.bytes.fetch_add(size, Ordering::Relaxed);
        }
        if self.bytes.load(Ordering::Relaxed) > self.byte_budget {
            self.trim(seq);
        }
        if self.live.receiver_count() > 0 {
            // Fails only when the last watcher left meanwhile; nothing to do then.
            let _ = self.live.send(entry);
        }
    }

    fn slot(&self, seq: u64) -> std::sync::MutexGuard<'_, Option<Arc<Entry>>> {
        let index = (seq % self.slots.len() as u64) as usize;
        lock(&self.slots[index])
    }

    /// Forgets the oldest entries until the journal is within its byte budget again, never the
    /// entry `latest` that was just recorded. Concurrent writers each claim different sequence
    /// numbers to forget, so none waits for another.
    fn trim(&self, latest: u64) {
        let wrapped = (latest + 1).saturating_sub(self.slots.len() as u64);
        self.trimmed.fetch_max(wrapped, Ordering::Relaxed);
        while self.bytes.load(Ordering::Relaxed) > self.byte_budget {
            let oldest = self.trimmed.fetch_add(1, Ordering::Relaxed);
            if oldest >= latest {
                break;
            }
            let mut guard = self.slot(oldest);
            if guard.as_ref().is_some_and(|e| e.seq == oldest) {
                if let Some(gone) = guard.take() {
                    self.bytes.fetch_sub(gone.footprint(), Ordering::Relaxed);
                }
            }
        }
    }

    /// What the entries held take, by [`Entry::footprint`].
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The entries the filter accepts, oldest first; `limit` keeps the newest N.
    pub fn entries(&self, filter: &Filter) -> Vec<Arc<Entry>> {
        let mut out: Vec<Arc<Entry>> = self
            .slots
            .iter()
            .filter_map(|s| lock(s).clone())
            .filter(|e| filter.accepts(e))
            .collect();
        out.sort_by_key(|e| e.seq);
        if let Some(limit) = filter.limit {
            let skip = out.len().saturating_sub(limit);
            out.drain(..skip);
        }
        out
    }

    pub fn count(&self, filter: &Filter) -> usize {
        self.slots
            .iter()
            .filter(|s| lock(s).as_ref().is_some_and(|e| filter.accepts(e)))
            .count()
    }

    /// Forgets entries: all, or those of one vendor and/or tenant.
    pub fn clear(&self, vendor: Option<&str>, tenant: Option<&str>) {
        let filter = Filter {
            vendor: vendor.map(str::to_owned),
            tenant: tenant.map(str::to_owned),
            ..Filter::default()
        };
        for slot in self.slots.iter() {
            let mut guard = lock(slot);
            if guard.as_ref().is_some_and(|e| filter.accepts(e)) {
                if let Some(gone) = guard.take() {
                    self.bytes.fetch_sub(gone.footprint(), Ordering::Relaxed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(journal: &Journal) -> Entry {
        let empty = Exchange::capture(&HeaderMap::new(), &Bytes::new());
        Entry {
            seq: journal.next_seq(),
            time: DateTime::<Utc>::UNIX_EPOCH,
            vendor: Some("devrev"),
            operation: None,
            tenant: None,
            tenant_key: None,
            method: Method::GET,
            path: "/".into(),
            query: None,
            status: 200,
            duration_ms: 0.0,
            rule: None,
            request: empty.clone(),
            response: empty,
        }
    }

    #[test]
    fn a_watcher_that_does_not_read_loses_the_oldest_and_is_told_how_many() {
        let journal = Journal::new(8, 0, 16);
        let (mut watcher, _) = journal.watch();
        // Recording never waits for the watcher, however far behind it is.
        for _ in 0..16 + 5 {
            journal.record(entry(&journal));
        }
        assert!(matches!(
            watcher.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(5))
        ));
        assert_eq!(watcher.try_recv().unwrap().seq, 6);
    }
}
