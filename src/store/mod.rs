//! Per-tenant state: a concurrent map from tenant key to one vendor's state for that tenant.
//!
//! The map is a `DashMap` (sharded locks, held only to find or insert a tenant); each tenant's state
//! carries its own lock, so two tenants never wait for each other and no request takes a global lock.

use std::sync::Arc;

use dashmap::DashMap;

use crate::tenant::{Tenant, Tenants};

pub struct TenantMap<T> {
    tenants: DashMap<Arc<str>, Arc<T>>,
}

impl<T> Default for TenantMap<T> {
    fn default() -> Self {
        TenantMap {
            tenants: DashMap::new(),
        }
    }
}

impl<T> TenantMap<T> {
    /// The tenant's state, created by `init` on first use.
    pub fn get_or_init(&self, tenant: &Tenant, init: impl FnOnce() -> T) -> Arc<T> {
        if let Some(state) = self.tenants.get(&*tenant.key) {
            return state.clone();
        }
        self.tenants
            .entry(tenant.key.clone())
            .or_insert_with(|| Arc::new(init()))
            .clone()
    }

    /// Forgets one tenant (by fingerprint or raw key) or all of them.
    pub fn reset(&self, filter: Option<&str>) {
        match filter {
            None => self.tenants.clear(),
            Some(f) => self.tenants.retain(|key, _| !Tenants::matches(f, key)),
        }
    }

    /// Puts a tenant's state in place (restoring a snapshot).
    pub fn insert(&self, key: &str, state: T) {
        self.tenants.insert(Arc::from(key), Arc::new(state));
    }

    /// One JSON value per tenant matching the filter, keyed by the tenant's fingerprint (never its
    /// credential): what `GET /__admin/state` shows.
    pub fn dump(
        &self,
        filter: Option<&str>,
        show: impl Fn(&T) -> serde_json::Value,
    ) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for (key, state) in self.select(filter) {
            out.insert(crate::tenant::fingerprint(&key), show(&state));
        }
        serde_json::Value::Object(out)
    }

    /// Every tenant's state matching the filter, with its key.
    pub fn select(&self, filter: Option<&str>) -> Vec<(Arc<str>, Arc<T>)> {
        self.tenants
            .iter()
            .filter(|e| filter.is_none_or(|f| Tenants::matches(f, e.key())))
            .map(|e| (e.key().clone(), e.value().clone()))
            .collect()
    }
}
