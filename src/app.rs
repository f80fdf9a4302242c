//! Building and running the simulator: the shared [`AppState`], the routers (admin, prefixed
//! vendors, per-vendor ports) and [`Simulator`], which binds (port 0 is fine), reports its URLs and
//! stops gracefully. Tests and embedding programs start it in-process the same way `serve` does.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::Config;
use crate::contract::Contracts;
use crate::journal::Journal;
use crate::pipeline::{self, VendorRoutes};
use crate::scenario::Engine;
use crate::server::Shortcut;
use crate::tenant::Tenants;
use crate::vendor::Vendor;

/// Everything a request may touch, shared by all connections as one `Arc`.
pub struct AppState {
    pub vendors: Vec<Box<dyn Vendor>>,
    pub routes: Vec<VendorRoutes>,
    pub contracts: Contracts,
    pub journal: Journal,
    pub tenants: Tenants,
    pub clock: Clock,
    pub scenarios: Engine,
    pub config: Config,
    pub body_limit: usize,
    /// The restore epoch the vendors were built in (see [`crate::vendor::VendorSettings::epoch`]).
    pub epoch: u64,
}

impl AppState {
    /// The state of a fresh start (epoch 0).
    pub fn new(config: Config) -> Result<AppState, String> {
        AppState::in_epoch(config, 0)
    }

    /// The state of a start in restore `epoch`.
    pub fn in_epoch(config: Config, epoch: u64) -> Result<AppState, String> {
        let vendors = crate::vendors::registry(config.vendor_settings(epoch));
        let names: Vec<&str> = vendors.iter().map(|v| v.name()).collect();
        config.validate(&names)?;
        let routes = vendors
            .iter()
            .map(|v| VendorRoutes::new(v.as_ref()))
            .collect::<Result<_, _>>()?;
        let contracts = Contracts::compile(&vendors)?;
        Ok(AppState {
            routes,
            contracts,
            journal: Journal::new(config.journal_capacity, config.journal_max_bytes),
            tenants: Tenants::default(),
            clock: Clock::new(config.clock),
            scenarios: Engine::new(config.seed),
            body_limit: config.body_limit,
            epoch,
            vendors,
            config,
        })
    }

    /// The vendor whose prefix starts `path`, and the rest of the path after it.
    pub fn vendor_by_prefix<'p>(&self, path: &'p str) -> Option<(usize, &'p str)> {
        let rest = path.strip_prefix('/')?;
        let (first, tail_start) = match rest.find('/') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len() + 1),
        };
        let index = self.vendors.iter().position(|v| v.name() == first)?;
        Some((index, &path[tail_start.min(path.len())..]))
    }

    pub fn vendor(&self, name: &str) -> Option<&dyn Vendor> {
        self.vendors
            .iter()
            .find(|v| v.name() == name)
            .map(|v| v.as_ref())
    }

    pub fn journal_enabled(&self) -> bool {
        self.config.journal_capacity > 0
    }
}

/// The router of the main port: `/__admin` and every vendor under its prefix.
pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new().nest("/__admin", crate::admin::router(state.clone()));
    for vendor in &state.vendors {
        if let Some(routes) = vendor.routes() {
            router = router.nest(&format!("/{}", vendor.name()), routes);
        }
    }
    router
        .fallback(|State(state): State<Arc<AppState>>, req: Request| {
            pipeline::dispatch(state, None, req)
        })
        .with_state(state)
}

/// The router of a `--vendor-listen` port: one vendor at the root.
fn vendor_router(state: Arc<AppState>, index: usize) -> Router {
    state.vendors[index]
        .routes()
        .unwrap_or_default()
        .fallback(move |State(state): State<Arc<AppState>>, req: Request| {
            pipeline::dispatch(state, Some(index), req)
        })
        .with_state(state)
}

/// A running simulator.
pub struct Simulator {
    addr: SocketAddr,
    vendor_addrs: Vec<(String, SocketAddr)>,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Simulator {
    /// Binds every listener and starts serving.
    pub async fn start(config: Config) -> Result<Simulator, String> {
        let saved = match &config.state_file {
            Some(path) => crate::persist::read(path)?,
            None => None,
        };
        let epoch = saved.as_ref().map_or(0, |s| s.next_epoch());
        let state = Arc::new(AppState::in_epoch(config, epoch)?);
        for file in &state.config.scenarios {
            crate::scenario::watch::load_file(&state, file)?;
        }
        if let Some(path) = &state.config.state_file {
            if let Some(saved) = saved {
                crate::persist::restore(&state, saved, path)?;
                tracing::info!("restored state from {} (epoch {epoch})", path.display());
            }
            // Written before serving: a kill before the first periodic save must still find this
            // epoch on disk, or the next start would reissue this run's ids.
            crate::persist::save(&state, path, false)
                .map_err(|e| format!("state file {}: cannot write: {e}", path.display()))?;
        }
        let (stop, stopped) = watch::channel(false);
        let listener = bind(state.config.listen).await?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let mut tasks = vec![spawn_server(
            listener,
            router(state.clone()),
            Shortcut::new(state.clone(), None),
            stopped.clone(),
        )];
        let mut vendor_addrs = Vec::new();
        for (vendor, at) in state.config.vendor_listen.clone() {
            let index = state
                .vendors
                .iter()
                .position(|v| v.name() == vendor)
                .expect("validated in Config::validate");
            let listener = bind(at).await?;
            vendor_addrs.push((vendor, listener.local_addr().map_err(|e| e.to_string())?));
            tasks.push(spawn_server(
                listener,
                vendor_router(state.clone(), index),
                Shortcut::new(state.clone(), Some(index)),
                stopped.clone(),
            ));
        }
        if let Some(path) = state.config.state_file.clone() {
            let saver = tokio::spawn(crate::persist::save_periodically(state.clone(), path));
            let mut stopped = stopped.clone();
            tasks.push(tokio::spawn(async move {
                let _ = stopped.wait_for(|s| *s).await;
                saver.abort();
            }));
        }
        if state.config.watch && !state.config.scenarios.is_empty() {
            let files = state.config.scenarios.clone();
            let watcher = tokio::spawn(crate::scenario::watch::watch(state.clone(), files));
            let mut stopped = stopped.clone();
            tasks.push(tokio::spawn(async move {
                let _ = stopped.wait_for(|s| *s).await;
                watcher.abort();
            }));
        }
        Ok(Simulator {
            addr,
            vendor_addrs,
            state,
            stop,
            tasks,
        })
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of one vendor on the main port (`http://127.0.0.1:PORT/devrev`).
    pub fn vendor_url(&self, vendor: &str) -> String {
        format!("{}/{vendor}", self.base_url())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Vendors served on their own ports, with the address each was bound to.
    pub fn vendor_addrs(&self) -> &[(String, SocketAddr)] {
        &self.vendor_addrs
    }

    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Stops accepting, lets in-flight requests finish, saves the state file if there is one, and
    /// returns when every listener is done.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        if let Some(path) = self.state.config.state_file.clone() {
            let state = self.state.clone();
            match tokio::task::spawn_blocking(move || crate::persist::save(&state, &path, true))
                .await
            {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!("saving the state file on shutdown failed: {e}"),
                Err(e) => tracing::error!("saving the state file on shutdown failed: {e}"),
            }
        }
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

fn spawn_server(
    listener: TcpListener,
    router: Router,
    shortcut: Shortcut,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(crate::server::serve(
        listener,
        router,
        shortcut,
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        },
    ))
}
