//! Running scenarios: the loaded documents (swapped atomically, read without a lock on every
//! call), each rule's match and fire counters, seeded probability draws and real rate limiters.

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use dashmap::DashMap;
use governor::clock::Clock as _;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use serde_json::{json, Value};

use super::model::{Delay, Document, Rule, Scope};
use super::respond::{resolve, Respond};
use super::{Action, Decision, Probe};
use crate::clock::{Clock, LimiterClock};
use crate::store::lock;
use crate::tenant::{Tenant, Tenants};
use crate::vendor::{Problem, Vendor};

/// A per-tenant rate limiter on the simulator's clock, keyed by the tenant's reset generation and
/// key: resetting one tenant moves it to a fresh bucket without touching anyone else's.
type LimitKey = (u64, Arc<str>);
type Limiter =
    RateLimiter<LimitKey, DefaultKeyedStateStore<LimitKey>, LimiterClock, NoOpMiddleware<Duration>>;

/// A rule's match and fire counts for one tenant (or for every tenant, with `scope: global`).
#[derive(Default)]
struct Counts {
    matched: AtomicU64,
    fired: AtomicU64,
}

impl Counts {
    fn snapshot(&self) -> (u64, u64) {
        (
            self.matched.load(Ordering::Relaxed),
            self.fired.load(Ordering::Relaxed),
        )
    }
}

/// One tenant's counts, with the fingerprint that stands for it in the admin API.
struct TenantCounts {
    fingerprint: Arc<str>,
    counts: Counts,
}

/// A rule as run: the rule as written, its matchers parsed once, and its counters.
struct LiveRule {
    rule: Rule,
    id: String,
    /// `respond`, read once at load.
    respond: Option<Respond>,
    method: Option<axum::http::Method>,
    headers: Vec<(axum::http::HeaderName, String)>,
    /// `scope: global` counts here; it is also where tenants past `--max-counted-tenants` count.
    shared: Counts,
    per_tenant: DashMap<Arc<str>, Arc<TenantCounts>>,
}

impl LiveRule {
    fn new(rule: &Rule, id: String, respond: Option<Respond>) -> LiveRule {
        LiveRule {
            respond,
            method: rule.matcher.method.as_ref().and_then(|m| {
                axum::http::Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok()
            }),
            headers: rule
                .matcher
                .header
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        axum::http::HeaderName::try_from(k.as_str()).ok()?,
                        v.clone(),
                    ))
                })
                .collect(),
            rule: rule.clone(),
            id,
            shared: Counts::default(),
            per_tenant: DashMap::new(),
        }
    }

    /// Counts one matching call of `tenant`; answers its number (from 1) and where to count a fire.
    fn count(&self, tenant: &Tenant, max_counted: usize) -> (u64, Option<Arc<TenantCounts>>) {
        let counts = match self.rule.scope {
            Scope::Global => None,
            Scope::Tenant => match self.per_tenant.get(&tenant.key) {
                Some(c) => Some(c.clone()),
                None if self.per_tenant.len() < max_counted => Some(
                    self.per_tenant
                        .entry(tenant.key.clone())
                        .or_insert_with(|| {
                            Arc::new(TenantCounts {
                                fingerprint: tenant.fingerprint.clone(),
                                counts: Counts::default(),
                            })
                        })
                        .clone(),
                ),
                None => None,
            },
        };
        let c = counts.as_ref().map_or(&self.shared, |t| &t.counts);
        (c.matched.fetch_add(1, Ordering::Relaxed) + 1, counts)
    }

    /// The rule's counts as the admin API shows them: totals, and each tenant's by fingerprint.
    fn describe(&self) -> Value {
        let mut tenants = serde_json::Map::new();
        let (mut matched, mut fired) = self.shared.snapshot();
        for entry in self.per_tenant.iter() {
            let (m, f) = entry.counts.snapshot();
            matched += m;
            fired += f;
            tenants.insert(
                entry.fingerprint.to_string(),
                json!({ "matched": m, "fired": f }),
            );
        }
        json!({
            "id": self.id, "rule": self.rule, "scope": self.rule.scope,
            "matched": matched, "fired": fired, "tenants": tenants,
        })
    }
}

struct LiveLimit {
    vendor: String,
    operation: Option<String>,
    requests: u32,
    per_seconds: u64,
    limiter: Limiter,
}

/// One loaded document.
pub struct Loaded {
    pub doc: Document,
    pub source: String,
    /// The document's size as written, counted against `--max-scenario-bytes`.
    size: usize,
    /// `auth.revoked` and `auth.forbidden`, raw credentials and fingerprints alike, looked up by
    /// hash on every call (a list scanned and hashed per entry cost 26 ms a call at 100,000).
    revoked: HashSet<String>,
    forbidden: HashSet<String>,
    seed: u64,
    rules: Vec<LiveRule>,
    limits: Vec<LiveLimit>,
}

impl Loaded {
    /// A checked document made live: each `respond` resolved against its vendor's error kinds.
    fn new(
        doc: Document,
        source: String,
        default_seed: u64,
        clock: &Arc<Clock>,
        vendors: &[Box<dyn Vendor>],
    ) -> Result<Loaded, String> {
        let responds = doc
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let Some(respond) = &r.respond else {
                    return Ok(None);
                };
                let vendor = vendors
                    .iter()
                    .find(|v| v.name() == r.vendor)
                    .ok_or_else(|| format!("rules[{i}]: there is no vendor '{}'", r.vendor))?;
                resolve(respond, vendor.as_ref())
                    .map(Some)
                    .map_err(|e| format!("rules[{i}].respond: {e}"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Loaded::live(doc, source, default_seed, clock, responds))
    }

    /// Whether `list` (one of the auth sets) names the tenant by credential or fingerprint.
    fn names(list: &HashSet<String>, tenant: &Tenant) -> bool {
        !list.is_empty() && (list.contains(&*tenant.key) || list.contains(&*tenant.fingerprint))
    }

    /// The same document with fresh counters and limiters.
    fn fresh(&self, clock: &Arc<Clock>) -> Loaded {
        let responds = self.rules.iter().map(|r| r.respond.clone()).collect();
        let mut fresh = Loaded::live(
            self.doc.clone(),
            self.source.clone(),
            self.seed,
            clock,
            responds,
        );
        fresh.size = self.size;
        fresh
    }

    fn live(
        doc: Document,
        source: String,
        default_seed: u64,
        clock: &Arc<Clock>,
        responds: Vec<Option<Respond>>,
    ) -> Loaded {
        let rules = doc
            .rules
            .iter()
            .zip(responds)
            .enumerate()
            .map(|(i, (r, respond))| LiveRule::new(r, format!("{}#{i}", doc.name), respond))
            .collect();
        let limits = doc
            .rate_limits
            .iter()
            .map(|l| live_limit(l, clock))
            .collect();
        Loaded {
            seed: doc.seed.unwrap_or(default_seed),
            rules,
            limits,
            size: 0,
            revoked: doc.auth.revoked.iter().cloned().collect(),
            forbidden: doc.auth.forbidden.iter().cloned().collect(),
            doc,
            source,
        }
    }
}

fn live_limit(l: &super::model::RateLimit, clock: &Arc<Clock>) -> LiveLimit {
    let requests = NonZeroU32::new(l.requests.max(1)).expect("at least 1");
    let period = Duration::from_secs(l.per_seconds.max(1)) / requests.get();
    let quota = Quota::with_period(period.max(Duration::from_nanos(1)))
        .expect("non-zero period")
        .allow_burst(requests);
    LiveLimit {
        vendor: l.vendor.clone(),
        operation: l.operation.clone(),
        requests: l.requests,
        per_seconds: l.per_seconds,
        limiter: RateLimiter::new(
            quota,
            DefaultKeyedStateStore::default(),
            LimiterClock(clock.clone()),
        ),
    }
}

/// The loaded scenarios, in load order.
pub struct Engine {
    loaded: ArcSwap<Vec<Arc<Loaded>>>,
    seed: u64,
    clock: Arc<Clock>,
    /// Serialises writers (load/unload); readers never take it.
    write: std::sync::Mutex<()>,
    /// How many times each tenant's counters were reset on its own; part of its rate-limit key.
    generations: DashMap<Arc<str>, u64>,
    /// The most documents loaded at once, and the most bytes they may take together as written.
    max_count: usize,
    /// Tenants one rule counts separately (`--max-counted-tenants`); past it further tenants
    /// share one overflow count, so a flood of fresh credentials cannot grow a rule without bound.
    max_counted: usize,
    max_bytes: usize,
}

/// Why a document was not loaded.
#[derive(Debug)]
pub enum LoadError {
    /// It does not fit the vendors (an error kind the vendor lacks...).
    Invalid(String),
    /// Loading it would pass `--max-scenarios` or `--max-scenario-bytes`.
    Full(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Invalid(m) | LoadError::Full(m) => f.write_str(m),
        }
    }
}

impl Engine {
    pub fn new(seed: u64, clock: Arc<Clock>) -> Engine {
        Engine {
            loaded: ArcSwap::from_pointee(Vec::new()),
            seed,
            clock,
            write: std::sync::Mutex::new(()),
            generations: DashMap::new(),
            max_count: usize::MAX,
            max_bytes: usize::MAX,
            max_counted: crate::config::Bookkeeping::default().counted_tenants,
        }
    }

    /// The same engine counting at most `tenants` tenants separately per rule.
    pub fn counting(mut self, tenants: usize) -> Engine {
        self.max_counted = tenants;
        self
    }

    /// The same engine holding at most `count` documents of `bytes` in all.
    pub fn limited(mut self, count: usize, bytes: usize) -> Engine {
        (self.max_count, self.max_bytes) = (count, bytes);
        self
    }

    /// Loads a checked document of `size` bytes as written; one with the same name is replaced in
    /// place.
    pub fn load(
        &self,
        doc: Document,
        source: String,
        size: usize,
        vendors: &[Box<dyn Vendor>],
    ) -> Result<(), LoadError> {
        let mut new = Loaded::new(doc, source, self.seed, &self.clock, vendors)
            .map_err(LoadError::Invalid)?;
        new.size = size;
        let new = Arc::new(new);
        let _guard = lock::lock(&self.write);
        let mut list: Vec<Arc<Loaded>> = self.loaded.load().as_ref().clone();
        match list.iter().position(|l| l.doc.name == new.doc.name) {
            Some(i) => list[i] = new,
            None => list.push(new),
        }
        let bytes: usize = list.iter().map(|l| l.size).sum();
        if list.len() > self.max_count {
            return Err(LoadError::Full(format!(
                "{} scenarios are loaded, the most --max-scenarios allows; unload one first",
                self.max_count
            )));
        }
        if bytes > self.max_bytes {
            return Err(LoadError::Full(format!(
                "loaded scenarios would take {bytes} bytes, over --max-scenario-bytes {}; unload one first",
                self.max_bytes
            )));
        }
        self.loaded.store(Arc::new(list));
        Ok(())
    }

    /// Unloads one scenario by name (true if it was loaded), or all of them.
    pub fn unload(&self, name: Option<&str>) -> bool {
        let _guard = lock::lock(&self.write);
        let list = self.loaded.load();
        let kept: Vec<Arc<Loaded>> = match name {
            Some(n) => list.iter().filter(|l| l.doc.name != n).cloned().collect(),
            None => Vec::new(),
        };
        let removed = kept.len() != list.len();
        self.loaded.store(Arc::new(kept));
        removed
    }

    /// Zeroes every rule's counters and refills every rate limit.
    pub fn reset_counters(&self) {
        let _guard = lock::lock(&self.write);
        let fresh: Vec<Arc<Loaded>> = self
            .loaded
            .load()
            .iter()
            .map(|l| Arc::new(l.fresh(&self.clock)))
            .collect();
        self.loaded.store(Arc::new(fresh));
        self.generations.clear();
    }

    /// Zeroes one tenant's counters (`filter` is a fingerprint or a raw credential) and gives it
    /// fresh rate-limit buckets; other tenants and `scope: global` counts are untouched.
    pub fn reset_tenant(&self, filter: &str) {
        let _guard = lock::lock(&self.write);
        let mut keys: Vec<Arc<str>> = Vec::new();
        for l in self.loaded.load().iter() {
            for live in &l.rules {
                live.per_tenant.retain(|key, _| {
                    let hit = Tenants::matches(filter, key);
                    if hit {
                        keys.push(key.clone());
                    }
                    !hit
                });
            }
        }
        // A raw credential names its tenant even if no rule has counted it yet.
        if !filter.starts_with("t_") || filter.len() != 14 {
            keys.push(Arc::from(filter));
        }
        for key in keys {
            *self.generations.entry(key).or_insert(0) += 1;
        }
    }

    fn generation(&self, key: &Arc<str>) -> u64 {
        if self.generations.is_empty() {
            return 0;
        }
        self.generations.get(key).map_or(0, |g| *g)
    }

    /// What the loaded scenarios say about one call. Credential rules first, then rate limits,
    /// then rules in order: the first rule whose match and `when` both hold decides.
    pub fn decide(&self, probe: &Probe<'_>) -> Decision {
        let loaded = self.loaded.load();
        if loaded.is_empty() {
            return Decision::default();
        }
        for l in loaded.iter() {
            if Loaded::names(&l.revoked, probe.tenant) {
                return refuse(Problem::RevokedCredential);
            }
            if Loaded::names(&l.forbidden, probe.tenant) {
                return refuse(Problem::ForbiddenCredential);
            }
        }
        for l in loaded.iter() {
            for limit in &l.limits {
                if limit.vendor != probe.vendor
                    || limit
                        .operation
                        .as_deref()
                        .is_some_and(|o| o != probe.operation)
                {
                    continue;
                }
                let key = (self.generation(&probe.tenant.key), probe.tenant.key.clone());
                if let Err(not_until) = limit.limiter.check_key(&key) {
                    let wait = not_until.wait_time_from(LimiterClock(self.clock.clone()).now());
                    let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                    return refuse(Problem::RateLimited {
                        retry_after_secs: retry_after_secs.max(1),
                        limit: limit.requests,
                        period_secs: limit.per_seconds,
                    });
                }
            }
        }
        for l in loaded.iter() {
            for live in &l.rules {
                if !matches(live, probe) {
                    continue;
                }
                let (n, counts) = live.count(probe.tenant, self.max_counted);
                if !triggered(&live.rule, n, l.seed, &live.id) {
                    continue;
                }
                counts
                    .as_ref()
                    .map_or(&live.shared, |t| &t.counts)
                    .fired
                    .fetch_add(1, Ordering::Relaxed);
                return decision(live, l.seed, n);
            }
        }
        Decision::default()
    }

    /// The loaded scenarios' names, in load order.
    pub fn names(&self) -> Vec<String> {
        self.loaded
            .load()
            .iter()
            .map(|l| l.doc.name.clone())
            .collect()
    }

    /// Loaded scenarios with each rule's match and fire counts, for the admin API.
    pub fn describe(&self) -> Value {
        let list: Vec<Value> = self
            .loaded
            .load()
            .iter()
            .map(|l| {
                let rules: Vec<Value> = l.rules.iter().map(LiveRule::describe).collect();
                json!({ "name": l.doc.name, "description": l.doc.description, "source": l.source, "seed": l.seed, "rules": rules, "rate_limits": l.doc.rate_limits, "auth": l.doc.auth })
            })
            .collect();
        json!({ "scenarios": list })
    }
}

fn refuse(problem: Problem) -> Decision {
    Decision {
        rule: None,
        delay: None,
        action: Action::Refuse(problem),
    }
}

fn matches(live: &LiveRule, probe: &Probe<'_>) -> bool {
    let rule = &live.rule;
    if rule.vendor != probe.vendor
        || rule
            .operation
            .as_deref()
            .is_some_and(|o| o != probe.operation)
    {
        return false;
    }
    if rule
        .tenant
        .as_ref()
        .is_some_and(|t| !Tenants::matches(t, &probe.tenant.key))
    {
        return false;
    }
    if live.method.as_ref().is_some_and(|m| m != probe.method) {
        return false;
    }
    let m = &rule.matcher;
    let header_ok = live.headers.iter().all(|(name, want)| {
        probe
            .headers
            .get_all(name)
            .iter()
            .any(|v| v.as_bytes() == want.as_bytes())
    });
    let query_ok = m
        .query
        .iter()
        .all(|(name, want)| probe.query.iter().any(|(k, v)| k == name && v == want));
    let body_ok = m.body.is_empty()
        || probe.body.is_some_and(|b| {
            m.body
                .iter()
                .all(|(ptr, want)| b.pointer(ptr) == Some(want))
        });
    header_ok && query_ok && body_ok
}

fn triggered(rule: &Rule, n: u64, seed: u64, id: &str) -> bool {
    let w = &rule.when;
    w.nth.as_ref().is_none_or(|list| list.contains(&n))
        && w.times.is_none_or(|t| n <= t)
        && w.after.is_none_or(|a| n > a)
        && w.every.is_none_or(|e| n.is_multiple_of(e))
        && w.probability.is_none_or(|p| draw(seed, id, n, 0) < p)
}

/// A number in [0, 1) that depends only on the seed, the rule and the call's count: the same
/// seed and the same requests fire the same rules.
fn draw(seed: u64, id: &str, n: u64, salt: u64) -> f64 {
    let mut x =
        seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    for b in id.bytes() {
        x = (x ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn decision(live: &LiveRule, seed: u64, n: u64) -> Decision {
    let rule = &live.rule;
    let delay = rule.delay_ms.map(|d| match d {
        Delay::Fixed(ms) => Duration::from_millis(ms),
        Delay::Range { min, max } => {
            Duration::from_millis(min + ((max - min) as f64 * draw(seed, &live.id, n, 1)) as u64)
        }
    });
    let action = if let Some(fault) = rule.fault {
        Action::Fault(fault)
    } else {
        match &live.respond {
            Some(Respond::Error(error)) => Action::Error(error.clone()),
            Some(Respond::Raw(reply)) => Action::Raw(reply.clone()),
            None => Action::Continue,
        }
    };
    Decision {
        rule: Some(live.id.clone()),
        delay,
        action,
    }
}

#[cfg(test)]
mod tests {
    use super::draw;

    #[test]
    fn draws_are_deterministic_and_spread() {
        assert_eq!(draw(7, "s#0", 3, 0), draw(7, "s#0", 3, 0));
        let hits = (1..=10_000).filter(|&n| draw(7, "s#0", n, 0) < 0.2).count();
        assert!((1_700..2_300).contains(&hits), "{hits}");
    }
}
