//! The per-tenant store every vendor keeps its state in: a concurrent map from tenant key to that
//! tenant's state, with lookup, reset, dump, snapshot and restore written once.
//!
//! The map is a `DashMap` (sharded locks, held only to find or insert a tenant); each tenant's state
//! sits behind its own lock in a [`Slot`], so two tenants never wait for each other and no request
//! takes a global lock.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use dashmap::DashMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::ids::{IdSource, SavedIds};
use super::lock;
use super::settings::VendorSettings;
use super::window::{CallWindow, Counted};
use crate::tenant::{fingerprint, Tenant, Tenants};

/// One tenant's state of one vendor, as the store keeps, shows, saves and restores it.
pub trait TenantState: Send + Sync + Sized + 'static {
    /// One tenant as the state file keeps it, its key included.
    type Saved: Serialize + DeserializeOwned;

    /// A tenant on its first call: its ids and fake data depend only on the seed and its key.
    fn fresh(key: &str, settings: &VendorSettings) -> Self;

    /// What `GET /__admin/state` shows of this tenant.
    fn show(&self) -> Value;

    /// This tenant for the state file.
    fn save(&self, key: &str) -> Self::Saved;

    /// The tenant's id source, carried over when a tenant forgotten under `--max-tenants` returns.
    fn ids(&mut self) -> &mut IdSource;

    /// A tenant back from the state file, with its key; an inconsistent one is refused.
    fn load(saved: Self::Saved, settings: &VendorSettings) -> Result<(String, Self), String>;

    /// The bytes of records this tenant holds, as counted for `--tenant-record-bytes`; the store
    /// adds them up across tenants for `--max-record-bytes`.
    fn record_bytes(&self) -> usize {
        0
    }
}

/// What the core does with a vendor's state, whatever its type.
pub trait StateStore: Send + Sync {
    /// Forgets one tenant (by fingerprint or raw key) or all of them.
    fn reset(&self, tenant: Option<&str>);

    /// The stored records of one tenant, or of all tenants keyed by tenant fingerprint.
    fn dump(&self, tenant: Option<&str>) -> Value;

    /// Everything needed to restore the state (every tenant, id counters included), for
    /// `--state-file`. `Value::Null` means there is nothing to save.
    fn snapshot(&self) -> Value;

    /// Replaces the state with what [`StateStore::snapshot`] produced. The snapshot is read and
    /// checked whole first: a refused one leaves the state as it was.
    fn restore(&self, snapshot: Value) -> Result<(), String>;
}

/// One tenant's state behind its lock.
pub struct Slot<T> {
    data: RwLock<T>,
    /// The store's use counter when this tenant was last looked up, for least-recently-used
    /// eviction past `--max-tenants`.
    used: AtomicU64,
    /// The tenant's record bytes as of its last write.
    bytes: AtomicUsize,
    /// The store's sum of every kept tenant's `bytes`; `None` for a tenant a read made and does
    /// not keep.
    total: Option<Arc<AtomicUsize>>,
    /// Cleared, under the tenant's write lock, when the store forgets it: a change still running
    /// on it then no longer counts toward `total`.
    kept: std::sync::atomic::AtomicBool,
}

impl<T> Slot<T> {
    fn new(data: T) -> Slot<T> {
        Slot {
            data: RwLock::new(data),
            used: AtomicU64::new(0),
            bytes: AtomicUsize::new(0),
            total: None,
            kept: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        lock::read(&self.data)
    }
}

impl<T: TenantState> Slot<T> {
    /// A tenant the store keeps: its record bytes count toward the store's `total`.
    fn kept(data: T, total: &Arc<AtomicUsize>) -> Slot<T> {
        let bytes = data.record_bytes();
        total.fetch_add(bytes, Ordering::Relaxed);
        Slot {
            bytes: AtomicUsize::new(bytes),
            total: Some(total.clone()),
            kept: std::sync::atomic::AtomicBool::new(true),
            ..Slot::new(data)
        }
    }

    /// Takes the tenant out of its store's count (see `kept`); returns its ids for remembering.
    fn let_go(&self) -> SavedIds {
        let mut data = lock::write(&self.data);
        if self.kept.swap(false, Ordering::Relaxed) {
            if let Some(total) = &self.total {
                total.fetch_sub(self.bytes.load(Ordering::Relaxed), Ordering::Relaxed);
            }
        }
        data.ids().save()
    }

    /// The state for a change; when the change is done, the tenant's record bytes are counted
    /// again (an O(1) read of its running sums).
    pub fn write(&self) -> SlotWrite<'_, T> {
        SlotWrite {
            guard: lock::write(&self.data),
            slot: self,
        }
    }
}

/// A tenant's state held for a change (see [`Slot::write`]).
pub struct SlotWrite<'a, T: TenantState> {
    guard: RwLockWriteGuard<'a, T>,
    slot: &'a Slot<T>,
}

impl<T: TenantState> std::ops::Deref for SlotWrite<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: TenantState> std::ops::DerefMut for SlotWrite<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T: TenantState> Drop for SlotWrite<'_, T> {
    fn drop(&mut self) {
        let Some(total) = &self.slot.total else {
            return;
        };
        if !self.slot.kept.load(Ordering::Relaxed) {
            return;
        }
        let now = self.guard.record_bytes();
        let before = self.slot.bytes.swap(now, Ordering::Relaxed);
        if now >= before {
            total.fetch_add(now - before, Ordering::Relaxed);
        } else {
            total.fetch_sub(before - now, Ordering::Relaxed);
        }
    }
}

/// Every tenant's state of one vendor.
pub struct TenantStore<T> {
    tenants: DashMap<Arc<str>, Arc<Slot<T>>>,
    settings: VendorSettings,
    /// Counts lookups; a slot's `used` is this counter's value at its last lookup.
    uses: AtomicU64,
    /// The ids of tenants forgotten under `--max-tenants`, by a hash of their key, so one that
    /// comes back never gets an id it was given before. At most `--max-retired-tenants` are
    /// remembered ([`VendorSettings::retired_limit`]); past it an arbitrary one is dropped.
    retired: Mutex<HashMap<u64, SavedIds>>,
    /// Rate-limit windows by a hash of the tenant key, at most `--max-rate-windows`
    /// ([`VendorSettings::window_limit`]).
    windows: Mutex<HashMap<u64, CallWindow>>,
    /// The record bytes of every kept tenant, for `--max-record-bytes`.
    total: Arc<AtomicUsize>,
}

fn key_hash(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

impl<T> TenantStore<T> {
    pub fn new(settings: VendorSettings) -> TenantStore<T> {
        TenantStore {
            tenants: DashMap::new(),
            settings,
            uses: AtomicU64::new(0),
            retired: Mutex::new(HashMap::new()),
            windows: Mutex::new(HashMap::new()),
            total: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn touch(&self, slot: &Slot<T>) {
        let tick = self.uses.fetch_add(1, Ordering::Relaxed) + 1;
        slot.used.store(tick, Ordering::Relaxed);
    }

    /// Makes room for one more tenant under `--max-tenants`: the least recently used goes, with
    /// everything it held but its ids (a client that comes back starts with no records, and ids
    /// that continue).
    fn make_room(&self)
    where
        T: TenantState,
    {
        let max = self.settings.tenant_limit;
        while max > 0 && self.tenants.len() >= max {
            if !self.retire_oldest(None) {
                break;
            }
        }
    }

    /// Under `--max-record-bytes`: while the kept tenants' records pass the budget, the least
    /// recently used tenant other than `current` goes, as under `--max-tenants`. Checked before
    /// each call that may write, so the sum passes the budget by at most what one tenant holds.
    fn keep_within_budget(&self, current: &str)
    where
        T: TenantState,
    {
        let budget = self.settings.store_bytes;
        while budget > 0 && self.total.load(Ordering::Relaxed) > budget {
            if !self.retire_oldest(Some(current)) {
                break;
            }
        }
    }

    /// Forgets the least recently used tenant (never `spare`), remembering its ids; `false` when
    /// there is none to forget.
    fn retire_oldest(&self, spare: Option<&str>) -> bool
    where
        T: TenantState,
    {
        let oldest = self
            .tenants
            .iter()
            .filter(|e| spare != Some(&**e.key()))
            .min_by_key(|e| e.value().used.load(Ordering::Relaxed))
            .map(|e| e.key().clone());
        let Some(key) = oldest else {
            return false;
        };
        if let Some((key, slot)) = self.tenants.remove(&key) {
            let saved = slot.let_go();
            let mut retired = lock::lock(&self.retired);
            // Remembered ids take 24 bytes each; the bound keeps a flood of fresh
            // credentials from growing this map without end.
            while !retired.is_empty() && retired.len() >= self.settings.retired_limit {
                let any = retired.keys().next().copied();
                any.map(|k| retired.remove(&k));
            }
            if self.settings.retired_limit > 0 {
                retired.insert(key_hash(&key), saved);
            }
        }
        true
    }

    /// The record bytes of every kept tenant, as last counted.
    pub fn record_bytes(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    pub fn settings(&self) -> &VendorSettings {
        &self.settings
    }

    /// The tenant's state, made on its first call.
    pub fn tenant(&self, tenant: &Tenant) -> Arc<Slot<T>>
    where
        T: TenantState,
    {
        self.keep_within_budget(&tenant.key);
        self.get_or_init(tenant, || {
            let mut fresh = T::fresh(&tenant.key, &self.settings);
            if self.settings.tenant_limit > 0 {
                if let Some(saved) = lock::lock(&self.retired).remove(&key_hash(&tenant.key)) {
                    fresh.ids().resume(saved);
                }
            }
            fresh
        })
    }

    /// The tenant's state for a read: the stored one, or for a tenant with no state yet a fresh one
    /// built for this call and not kept, so reads by any number of new credentials leave nothing
    /// behind. A fresh tenant depends only on the seed and its key, so the answer is the one a
    /// stored fresh tenant would give.
    pub fn view(&self, tenant: &Tenant) -> Arc<Slot<T>>
    where
        T: TenantState,
    {
        match self.tenants.get(&*tenant.key).map(|s| s.clone()) {
            Some(slot) => {
                self.touch(&slot);
                slot
            }
            None => Arc::new(Slot::new(T::fresh(&tenant.key, &self.settings))),
        }
    }

    /// Runs `f` on the tenant's state under its read lock; see [`TenantStore::view`].
    pub fn reading<R>(&self, tenant: &Tenant, f: impl FnOnce(&T) -> R) -> R
    where
        T: TenantState,
    {
        f(&self.view(tenant).read())
    }

    /// Counts one call of the tenant in windows of `length` seconds, for rate-limit headers. The
    /// windows live in a map of at most `--max-rate-windows` entries (about 40 bytes each) apart
    /// from tenant state, so counting a
    /// read creates no tenant; past the bound, windows that have ended go first, then any.
    pub fn count_call(&self, tenant: &Tenant, length: i64) -> Counted {
        let now = self.settings.now().timestamp();
        let key = key_hash(&tenant.key);
        let mut windows = lock::lock(&self.windows);
        let max = self.settings.window_limit.max(1);
        if !windows.contains_key(&key) && windows.len() >= max {
            windows.retain(|_, w| !w.ended(now, length));
            while windows.len() >= max {
                let any = windows.keys().next().copied();
                any.map(|k| windows.remove(&k));
            }
        }
        windows.entry(key).or_default().count(now, length)
    }

    /// Runs `f` on the tenant's state under its write lock.
    pub fn writing<R>(&self, tenant: &Tenant, f: impl FnOnce(&mut T) -> R) -> R
    where
        T: TenantState,
    {
        f(&mut self.tenant(tenant).write())
    }

    /// The tenant's state, created by `init` on first use.
    fn get_or_init(&self, tenant: &Tenant, init: impl FnOnce() -> T) -> Arc<Slot<T>>
    where
        T: TenantState,
    {
        if let Some(slot) = self.tenants.get(&*tenant.key) {
            self.touch(&slot);
            return slot.clone();
        }
        self.make_room();
        let slot = self
            .tenants
            .entry(tenant.key.clone())
            .or_insert_with(|| Arc::new(Slot::kept(init(), &self.total)))
            .clone();
        self.touch(&slot);
        slot
    }

    /// The tenant's state if it has any, counted as a use (for `--max-tenants`).
    pub fn used(&self, tenant: &Tenant) -> Option<Arc<Slot<T>>> {
        let slot = self.tenants.get(&*tenant.key).map(|s| s.clone())?;
        self.touch(&slot);
        Some(slot)
    }

    /// How many tenants have state.
    pub fn len(&self) -> usize {
        self.tenants.len()
    }

    /// Whether no tenant has state.
    pub fn is_empty(&self) -> bool {
        self.tenants.is_empty()
    }

    /// The tenant's state if it has any.
    pub fn get(&self, tenant: &Tenant) -> Option<Arc<Slot<T>>> {
        self.tenants.get(&*tenant.key).map(|s| s.clone())
    }

    /// Every tenant's state matching the filter (a fingerprint or a raw key), with its key.
    pub fn select(&self, filter: Option<&str>) -> Vec<(Arc<str>, Arc<Slot<T>>)> {
        self.tenants
            .iter()
            .filter(|e| filter.is_none_or(|f| Tenants::matches(f, e.key())))
            .map(|e| (e.key().clone(), e.value().clone()))
            .collect()
    }

    fn forget(&self, filter: Option<&str>)
    where
        T: TenantState,
    {
        let mut gone = Vec::new();
        self.tenants.retain(|key, slot| {
            let keep = filter.is_some_and(|f| !Tenants::matches(f, key));
            if !keep {
                gone.push(slot.clone());
            }
            keep
        });
        for slot in gone {
            slot.let_go();
        }
    }
}

impl<T: TenantState> StateStore for TenantStore<T> {
    fn reset(&self, tenant: Option<&str>) {
        self.forget(tenant);
    }

    fn dump(&self, tenant: Option<&str>) -> Value {
        let mut out = Map::new();
        for (key, slot) in self.select(tenant) {
            out.insert(fingerprint(&key), slot.read().show());
        }
        Value::Object(out)
    }

    fn snapshot(&self) -> Value {
        let tenants: Vec<T::Saved> = self
            .select(None)
            .iter()
            .map(|(key, slot)| slot.read().save(key))
            .collect();
        json!({ "tenants": tenants })
    }

    fn restore(&self, snapshot: Value) -> Result<(), String> {
        let saved = match snapshot {
            Value::Null => Vec::new(),
            mut doc => {
                let list = doc
                    .get_mut("tenants")
                    .map(Value::take)
                    .ok_or("the snapshot has no 'tenants' list")?;
                serde_json::from_value::<Vec<T::Saved>>(list)
                    .map_err(|e| format!("tenants: {e}"))?
            }
        };
        let loaded = saved
            .into_iter()
            .map(|s| T::load(s, &self.settings))
            .collect::<Result<Vec<_>, String>>()?;
        self.forget(None);
        for (key, state) in loaded {
            self.tenants.insert(
                Arc::from(key.as_str()),
                Arc::new(Slot::kept(state, &self.total)),
            );
        }
        Ok(())
    }
}
