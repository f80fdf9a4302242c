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
use crate::workers::Workers;

/// The router of the main port: `/__admin` and every vendor under its prefix.
pub fn router(state: Arc<AppState>) -> Router {
    let mut vendors = Router::new();
    for (index, vendor) in state.vendors().iter().enumerate() {
        if let Some(routes) = vendor.routes(gateway(&state, index)) {
            // Unmatched paths under the prefix still fall through to the pipeline below.
            vendors = vendors.nest(&format!("/{}", vendor.name()), routes.with_state(()));
        }
    }
    let vendors = vendors
        .fallback(|State(state): State<Arc<AppState>>, req: Request| {
            pipeline::dispatch(state, None, req)
        })
        .with_state(state.clone());
    Router::new()
        .nest("/__admin", crate::admin::router(state.clone()))
        .with_state(state.clone())
        .merge(with_cors(&state, vendors))
}

/// The router of a `--vendor-listen` port: one vendor at the root.
fn vendor_router(state: Arc<AppState>, index: usize) -> Router {
    let router = state
        .registry
        .get(index)
        .routes(gateway(&state, index))
        .unwrap_or_default()
        .with_state(())
        .fallback(move |State(state): State<Arc<AppState>>, req: Request| {
            pipeline::dispatch(state, Some(index), req)
        })
        .with_state(state.clone());
    with_cors(&state, router)
}

/// `--cors-origin`: the vendor routes behind a CORS layer that sees each request before any route
/// matching, so a preflight to any vendor path is answered and every answer carries the headers.
/// (With CORS on, [`Shortcut`] sends nothing past the router.)
fn with_cors(state: &AppState, vendors: Router) -> Router {
    use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, Any, CorsLayer};
    let origins = &state.config.cors_origins;
    if origins.is_empty() {
        return vendors;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        // Checked in `Config::validate`.
        AllowOrigin::list(origins.iter().filter_map(|o| o.parse().ok()))
    };
    let cors = CorsLayer::new()
        .allow_origin(allow)
        // Mirrored, not `*`: browsers never let a wildcard cover `Authorization`, which every
        // vendor call carries.
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(Any)
        .max_age(std::time::Duration::from_secs(600));
    Router::new().fallback_service(tower::Layer::layer(&cors, vendors))
}

fn gateway(state: &Arc<AppState>, vendor: usize) -> Arc<dyn crate::vendor::Gateway> {
    Arc::new(PipelineGateway::new(state.clone(), vendor))
}

/// A running simulator.
pub struct Simulator {
    addr: SocketAddr,
    /// `http` or `https`.
    scheme: &'static str,
    vendor_addrs: Vec<(String, SocketAddr)>,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// Dropped last: the threads that serve the connections.
    workers: Option<Arc<Workers>>,
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
            crate::scenario_files::load_file(&state, file)?;
        }
        for dir in &state.config.stubs {
            crate::scenario_files::load_dir(&state, dir)?;
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
        let tls = match &state.config.tls {
            Some(source) => Some(crate::tls::acceptor(source)?),
            None => None,
        };
        let workers = Arc::new(Workers::start(state.config.serving_threads)?);
        let (stop, stopped) = watch::channel(false);
        let listener = bind(state.config.listen).await?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let mut tasks = vec![spawn_server(
            listener,
            router(state.clone()),
            Shortcut::new(state.clone(), None),
            tls.clone(),
            workers.clone(),
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
                tls.clone(),
                workers.clone(),
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
            let watcher = tokio::spawn(crate::scenario_files::watch(state.clone(), files));
            let mut stopped = stopped.clone();
            tasks.push(tokio::spawn(async move {
                let _ = stopped.wait_for(|s| *s).await;
                watcher.abort();
            }));
        }
        Ok(Simulator {
            addr,
            scheme: if tls.is_some() { "https" } else { "http" },
            vendor_addrs,
            state,
            stop,
            tasks,
            workers: Some(workers),
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS), with no trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &'static str {
        self.scheme
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
    pub async fn stop(mut self) {
        self.state.journal.close_watchers();
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
        if let Some(workers) = self.workers.take() {
            // Joining the serving threads blocks, briefly: off the runtime.
            let _ = tokio::task::spawn_blocking(move || drop(workers)).await;
        }
        // Requests that outlived the drain may still finish; none of them may answer once the
        // final snapshot starts, or a client would hold an acknowledged id that is not in the file.
        self.state
            .answers_closed
            .store(true, std::sync::atomic::Ordering::SeqCst);
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
    tls: Option<crate::tls::Acceptor>,
    workers: Arc<Workers>,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(crate::server::serve(
        listener,
        router,
        shortcut,
        tls,
        workers,
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        },
    ))
}
