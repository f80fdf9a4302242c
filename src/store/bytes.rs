//! The bytes of one tenant's stored records of one kind, for `--tenant-record-bytes`: each record
//! is counted by its JSON size when it is stored or changed, so the total is known without
//! serializing the collection again. A create that has just written the record into its answer
//! may count the answer's length instead, which is the record plus a short envelope.

use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

/// Sizes of the records of one collection, by the collection's key, and their sum.
#[derive(Debug)]
pub struct RecordBytes<K> {
    sizes: HashMap<K, usize>,
    total: usize,
}

impl<K> Default for RecordBytes<K> {
    fn default() -> Self {
        RecordBytes {
            sizes: HashMap::new(),
            total: 0,
        }
    }
}

/// A record's size as counted: its JSON length (what the state file would hold of it). Counted
/// as it is written, without keeping the text: this runs on every create.
pub fn size_of<T: Serialize>(record: &T) -> usize {
    let mut counter = Counter(0);
    match serde_json::to_writer(&mut counter, record) {
        Ok(()) => counter.0,
        Err(_) => 0,
    }
}

/// A writer that only counts what it is given.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<K: Hash + Eq> RecordBytes<K> {
    /// Counts `record` under `key`, replacing what was counted for that key before.
    pub fn set<T: Serialize>(&mut self, key: K, record: &T) {
        self.set_size(key, size_of(record));
    }

    /// Counts `size` bytes under `key` (for records kept in a form that is not their JSON, such
    /// as a remembered answer, or one already measured with [`size_of`]), replacing what was counted for that key before.
    pub fn set_size(&mut self, key: K, size: usize) {
        if let Some(old) = self.sizes.insert(key, size) {
            self.total -= old;
        }
        self.total += size;
    }

    /// Stops counting the record under `key`.
    pub fn forget(&mut self, key: &K) {
        if let Some(old) = self.sizes.remove(key) {
            self.total -= old;
        }
    }

    /// Stops counting every record.
    pub fn clear(&mut self) {
        self.sizes.clear();
        self.total = 0;
    }

    /// The bytes of every record counted.
    pub fn total(&self) -> usize {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_is_the_length_of_the_json_text() {
        let record = serde_json::json!({"name": "Zoë \"Q\"", "n": [1, 2.5, null]});
        assert_eq!(size_of(&record), serde_json::to_vec(&record).unwrap().len());
    }

    #[test]
    fn replacing_and_forgetting_keep_the_sum() {
        let mut b = RecordBytes::default();
        b.set(1, &"abc");
        b.set(2, &"abcdef");
        assert_eq!(b.total(), 5 + 8);
        b.set(1, &"a");
        assert_eq!(b.total(), 3 + 8);
        b.forget(&2);
        b.forget(&2);
        assert_eq!(b.total(), 3);
    }
}
