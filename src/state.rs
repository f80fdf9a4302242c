//! [`AppState`]: the one handle every request, admin call and background task shares (the vendor
//! registry, contracts, journal, tenants, scenarios, the clock and the settings). It builds the
//! vendors but knows nothing of serving: `app` runs it, `pipeline` and `admin` read it.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::contract::Contracts;
use crate::journal::Journal;
use crate::registry::Registry;
use crate::scenario::Engine;
use crate::tenant::Tenants;
use crate::vendor::Vendor;

/// Everything a request may touch, shared by all connections as one `Arc`.
pub struct AppState {
    pub registry: Registry,
    pub contracts: Contracts,
    pub journal: Journal,
    /// Call, latency and fault counters for `/__admin/metrics`.
    pub metrics: crate::metrics::Metrics,
    pub tenants: Tenants,
    /// The one clock: the vendors, the scenario engine's rate limiters and the journal read it.
    pub clock: Arc<Clock>,
    pub scenarios: Engine,
    /// User stubs and the records they keep.
    pub stubs: crate::stub::Stubs,
    pub config: Config,
    /// The restore epoch the vendors were built in (see [`crate::vendor::VendorSettings::epoch`]).
    pub epoch: u64,
    /// Set once the final save is about to snapshot: from then on no answer leaves the server
    /// (`crate::server` closes the connection instead), so every answer a client saw was produced
    /// before that snapshot and its record is in the file.
    pub answers_closed: std::sync::atomic::AtomicBool,
}

impl AppState {
    /// The state of a fresh start (epoch 0).
    pub fn new(config: Config) -> Result<AppState, String> {
        AppState::in_epoch(config, 0)
    }

    /// The state of a start in restore `epoch`.
    pub fn in_epoch(config: Config, epoch: u64) -> Result<AppState, String> {
        let clock = Arc::new(Clock::new(config.clock));
        let settings = config.vendor_settings_on(epoch, clock.clone());
        let registry = Registry::new(crate::vendors::registry(&settings))?;
        config.validate(&registry.names())?;
        let contracts = Contracts::compile(registry.vendors())?;
        Ok(AppState {
            stubs: crate::stub::Stubs::new(registry.vendors().len(), &settings),
            contracts,
            journal: Journal::new(
                config.journal_capacity,
                config.journal_max_bytes,
                config.journal_stream_backlog,
            ),
            metrics: crate::metrics::Metrics::default(),
            tenants: Tenants::with_limit(config.bookkeeping.interned_credentials),
            scenarios: Engine::new(config.seed, clock.clone())
                .limited(config.max_scenarios, config.max_scenario_bytes)
                .counting(config.bookkeeping.counted_tenants),
            clock,
            registry,
            epoch,
            config,
            answers_closed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn vendor(&self, name: &str) -> Option<&dyn Vendor> {
        self.registry.by_name(name)
    }

    pub fn vendors(&self) -> &[Box<dyn Vendor>] {
        self.registry.vendors()
    }

    pub fn journal_enabled(&self) -> bool {
        self.config.journal_capacity > 0
    }
}
