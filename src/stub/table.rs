//! The loaded stubs: each source (a scenario document's name) with its compiled stubs, and one
//! path router per vendor built from all of them, swapped whole on every load so requests never
//! wait for a writer.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use axum::http::Method;

use super::compile::Compiled;
use super::store::StubRecords;
use crate::store::VendorSettings;
use crate::vendor::Vendor;

/// The stubs one source loaded.
struct Source {
    name: String,
    stubs: Vec<Arc<Compiled>>,
}

/// The stubs served on each path template of one vendor.
type Router = matchit::Router<Vec<Arc<Compiled>>>;

struct Loaded {
    sources: Vec<Source>,
    /// Per vendor: each path template with the stubs served there.
    routers: Vec<Router>,
}

/// What a method and path name among one vendor's stubs.
pub enum Found {
    Stub {
        stub: Arc<Compiled>,
        params: Vec<(String, String)>,
    },
    MethodNotAllowed(Vec<&'static str>),
    Unknown,
}

/// Every loaded stub, and the records stateful stubs keep (one store per vendor).
pub struct Stubs {
    loaded: ArcSwap<Loaded>,
    records: Vec<StubRecords>,
    write: Mutex<()>,
}

impl Stubs {
    pub fn new(vendors: usize, settings: &VendorSettings) -> Stubs {
        Stubs {
            loaded: ArcSwap::from_pointee(Loaded {
                sources: Vec::new(),
                routers: (0..vendors).map(|_| matchit::Router::new()).collect(),
            }),
            records: (0..vendors)
                .map(|_| StubRecords::new(settings.clone()))
                .collect(),
            write: Mutex::new(()),
        }
    }

    /// The records the stubs of the vendor at `vendor` keep.
    pub fn records(&self, vendor: usize) -> &StubRecords {
        &self.records[vendor]
    }

    /// Replaces the stubs of source `name` (none: unloads them). Stubs of different sources that
    /// take the same method and path template, or templates `matchit` cannot tell apart, refuse
    /// the load, and the stubs loaded before stay.
    pub fn load(&self, name: &str, stubs: Vec<Compiled>) -> Result<(), String> {
        let _guard = crate::store::lock::lock(&self.write);
        let current = self.loaded.load();
        let mut sources: Vec<Source> = current
            .sources
            .iter()
            .filter(|s| s.name != name)
            .map(|s| Source {
                name: s.name.clone(),
                stubs: s.stubs.clone(),
            })
            .collect();
        if !stubs.is_empty() {
            sources.push(Source {
                name: name.to_owned(),
                stubs: stubs.into_iter().map(Arc::new).collect(),
            });
        }
        let routers = build(&sources, current.routers.len())?;
        self.loaded.store(Arc::new(Loaded { sources, routers }));
        Ok(())
    }

    /// Unloads the stubs of one source, or of all.
    pub fn unload(&self, name: Option<&str>) {
        match name {
            Some(n) => {
                let _ = self.load(n, Vec::new());
            }
            None => {
                let _guard = crate::store::lock::lock(&self.write);
                let vendors = self.loaded.load().routers.len();
                self.loaded.store(Arc::new(Loaded {
                    sources: Vec::new(),
                    routers: (0..vendors).map(|_| matchit::Router::new()).collect(),
                }));
            }
        }
    }

    /// Every loaded stub of the vendor at `vendor`, in load order.
    pub fn of(&self, vendor: usize) -> Vec<Arc<Compiled>> {
        self.loaded
            .load()
            .sources
            .iter()
            .flat_map(|s| s.stubs.iter())
            .filter(|s| s.vendor == vendor)
            .cloned()
            .collect()
    }

    /// Forgets the stub records the vendor at `vendor` keeps for one tenant or for all.
    pub fn reset(&self, vendor: usize, tenant: Option<&str>) {
        use crate::store::StateStore;
        self.records[vendor].reset(tenant);
    }

    /// The stub of the vendor at `vendor` that `method` and `path` name.
    pub fn find(&self, vendor: usize, method: &Method, path: &str) -> Found {
        let loaded = self.loaded.load();
        let path = if path.is_empty() { "/" } else { path };
        let Ok(matched) = loaded.routers[vendor].at(path) else {
            return Found::Unknown;
        };
        let wanted = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        match matched.value.iter().find(|s| s.operation.method == *wanted) {
            Some(stub) => Found::Stub {
                stub: stub.clone(),
                params: crate::registry::decoded(&matched.params),
            },
            None => Found::MethodNotAllowed(
                matched
                    .value
                    .iter()
                    .map(|s| s.operation.method.as_str())
                    .collect(),
            ),
        }
    }
}

fn build(sources: &[Source], vendors: usize) -> Result<Vec<Router>, String> {
    type Paths<'s> = Vec<(&'s str, Vec<Arc<Compiled>>)>;
    let mut by_path: Vec<Paths<'_>> = vec![Vec::new(); vendors];
    for source in sources {
        for stub in &source.stubs {
            let paths = &mut by_path[stub.vendor];
            match paths.iter_mut().find(|(p, _)| *p == stub.decl.path) {
                Some((_, list)) => {
                    if let Some(other) = list
                        .iter()
                        .find(|o| o.operation.method == stub.operation.method)
                    {
                        return Err(format!(
                            "stub '{}' of '{}' takes {} {} {}, which stub '{}' already serves",
                            stub.decl.id,
                            source.name,
                            stub.decl.vendor,
                            stub.operation.method,
                            stub.decl.path,
                            other.decl.id
                        ));
                    }
                    list.push(stub.clone());
                }
                None => paths.push((&stub.decl.path, vec![stub.clone()])),
            }
        }
    }
    by_path
        .into_iter()
        .map(|paths| {
            let mut router = matchit::Router::new();
            for (path, stubs) in paths {
                router
                    .insert(path, stubs)
                    .map_err(|e| format!("stub path {path}: {e}"))?;
            }
            Ok(router)
        })
        .collect()
}

/// Whether `stubs` can be routed together (no two take the same method and path template).
pub fn routes(stubs: Vec<Compiled>, vendors: usize) -> Result<(), String> {
    let source = Source {
        name: "this document".into(),
        stubs: stubs.into_iter().map(Arc::new).collect(),
    };
    build(&[source], vendors).map(|_| ())
}

/// Compiles the stubs of a checked document (`scenario::parse` has reported every problem).
pub fn compile_all(
    stubs: &[super::model::Stub],
    vendors: &[Box<dyn Vendor>],
) -> Result<Vec<Compiled>, String> {
    stubs
        .iter()
        .map(|s| {
            super::compile::compile(s, vendors).map_err(|errors| {
                let messages: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                format!("stub '{}': {}", s.id, messages.join("; "))
            })
        })
        .collect()
}
