//! Which credential opened each MCP session, and how many sessions are open. A session answers
//! only the credential that opened it (another tenant that learns its id gets the same 404 as for
//! an unknown one, and cannot end it); past `--max-mcp-sessions` the least recently used session
//! is closed, so `initialize` in a loop cannot grow memory without bound.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::store::lock::lock;

/// What the owner table says about a session id a request carries.
#[derive(Debug, PartialEq, Eq)]
pub enum Access {
    /// Not ours to judge (unknown or already gone): the transport answers.
    Unknown,
    Owner,
    /// Opened by another credential: answered as if it did not exist.
    Other,
}

#[derive(Default)]
struct Table {
    /// Session id → (owner's fingerprint, last use).
    by_id: HashMap<Arc<str>, (Arc<str>, u64)>,
    /// Last use → session id, oldest first.
    by_use: BTreeMap<u64, Arc<str>>,
    clock: u64,
}

pub struct Owners {
    table: Mutex<Table>,
    max: usize,
}

impl Owners {
    pub fn new(max: usize) -> Owners {
        Owners {
            table: Mutex::new(Table::default()),
            max: max.max(1),
        }
    }

    /// Whether `owner` (a credential's fingerprint) may use session `id`; a use by its owner counts
    /// as recent.
    pub fn access(&self, id: &str, owner: &str) -> Access {
        let mut t = lock(&self.table);
        let tick = t.clock + 1;
        let Some((who, used)) = t.by_id.get_mut(id) else {
            return Access::Unknown;
        };
        if &**who != owner {
            return Access::Other;
        }
        let before = std::mem::replace(used, tick);
        t.clock = tick;
        if let Some(key) = t.by_use.remove(&before) {
            t.by_use.insert(tick, key);
        }
        Access::Owner
    }

    /// Records a session `owner` just opened; answers the sessions to close to stay at the limit.
    pub fn opened(&self, id: &str, owner: &str) -> Vec<Arc<str>> {
        let mut t = lock(&self.table);
        t.clock += 1;
        let (id, tick): (Arc<str>, u64) = (Arc::from(id), t.clock);
        t.by_id.insert(id.clone(), (Arc::from(owner), tick));
        t.by_use.insert(tick, id);
        let mut evicted = Vec::new();
        while t.by_id.len() > self.max {
            let Some((_, oldest)) = t.by_use.pop_first() else {
                break;
            };
            t.by_id.remove(&oldest);
            evicted.push(oldest);
        }
        evicted
    }

    /// Forgets a session that was ended.
    pub fn closed(&self, id: &str) {
        let mut t = lock(&self.table);
        if let Some((_, used)) = t.by_id.remove(id) {
            t.by_use.remove(&used);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_answer_their_owner_and_the_least_recently_used_goes_first() {
        let owners = Owners::new(2);
        assert!(owners.opened("a", "t_1").is_empty());
        assert!(owners.opened("b", "t_2").is_empty());
        assert_eq!(owners.access("a", "t_2"), Access::Other);
        assert_eq!(owners.access("a", "t_1"), Access::Owner);
        // "b" is now the least recently used.
        assert_eq!(owners.opened("c", "t_1"), vec![Arc::<str>::from("b")]);
        assert_eq!(owners.access("b", "t_2"), Access::Unknown);
        owners.closed("a");
        assert_eq!(owners.access("a", "t_1"), Access::Unknown);
    }
}
