//! Building and running the simulator: the routers (admin, prefixed vendors, per-vendor ports) and
//! [`Simulator`], which binds (port 0 is fine), reports its URLs and stops gracefully. Tests and
//! embedding programs start it in-process the same way `serve` does. The shared state itself is
//! [`crate::state::AppState`].

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::pipeline::{self, PipelineGateway};
use crate::server::Shortcut;
use crate::state::AppState;

/// The router of the main port: `/__admin` and every vendor under its prefix.
pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new().nest("/__admin", crate::admin::router(state.clone()));
    for (index, vendor) in state.vendors().iter().enumerate() {
        if let Some(routes) = vendor.routes(gateway(&state, index)) {
            // Unmatched paths under the prefix still fall through to the pipeline below.
            router = router.nest(&format!("/{}", vendor.name()), routes.with_state(()));
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
    state
        .registry
        .get(index)
        .routes(gateway(&state, index))
        .unwrap_or_default()
        .with_state(())
        .fallback(move |State(state): State<Arc<AppState>>, req: Request| {
            pipeline::dispatch(state, Some(index), req)
        })
        .with_state(state)
}

fn gateway(state: &Arc<AppState>, vendor: usize) -> Arc<dyn crate::vendor::Gateway> {
    Arc::new(PipelineGateway::new(state.clone(), vendor))
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
            let index = state.registry.index_of(&vendor).ok_or_else(|| {
                format!("--vendor-listen names '{vendor}', which is not a vendor")
            })?;
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
        self.state.journal.close_watchers();
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
