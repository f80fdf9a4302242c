//! The vendors this simulator serves, and how a request finds one: the vendor by name or URL
//! prefix, then the vendor's operation by method and path template (`matchit`), before any handler
//! runs, so scenarios, contracts and the journal all know the operation.

use axum::http::Method;

use crate::vendor::{Operation, Vendor};

/// Every vendor with its operations and its path router, in registry order.
pub struct Registry {
    vendors: Vec<Box<dyn Vendor>>,
    tables: Vec<Table>,
}

/// One vendor's operations and path templates.
struct Table {
    operations: Vec<&'static Operation>,
    /// Each path template with the positions of the operations served there.
    paths: matchit::Router<Vec<usize>>,
}

/// What a method and path name within one vendor.
pub enum Routed {
    Operation {
        /// The operation's position in the vendor's table.
        index: usize,
        operation: &'static Operation,
        /// Captured from the path, percent-decoded (`crm%20id` is `crm id`).
        params: Vec<(String, String)>,
    },
    /// The path exists; these are the methods it takes.
    MethodNotAllowed {
        allowed: Vec<&'static str>,
    },
    Unknown,
}

impl Registry {
    pub fn new(vendors: Vec<Box<dyn Vendor>>) -> Result<Registry, String> {
        let tables = vendors
            .iter()
            .map(|v| Table::new(v.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Registry { vendors, tables })
    }

    pub fn vendors(&self) -> &[Box<dyn Vendor>] {
        &self.vendors
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.vendors.iter().map(|v| v.name()).collect()
    }

    pub fn get(&self, index: usize) -> &dyn Vendor {
        self.vendors[index].as_ref()
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.vendors.iter().position(|v| v.name() == name)
    }

    pub fn by_name(&self, name: &str) -> Option<&dyn Vendor> {
        self.index_of(name).map(|i| self.get(i))
    }

    /// The operations of the vendor at `index`, in table order.
    pub fn operations(&self, index: usize) -> &[&'static Operation] {
        &self.tables[index].operations
    }

    /// The vendor whose prefix starts `path`, and the rest of the path after it.
    pub fn by_prefix<'p>(&self, path: &'p str) -> Option<(usize, &'p str)> {
        let rest = path.strip_prefix('/')?;
        let (first, tail_start) = match rest.find('/') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len() + 1),
        };
        let index = self.index_of(first)?;
        Some((index, &path[tail_start.min(path.len())..]))
    }

    /// The operation of the vendor at `vendor` that `method` and `path` (below its prefix) name.
    pub fn find(&self, vendor: usize, method: &Method, path: &str) -> Routed {
        self.tables[vendor].find(method, path)
    }
}

impl Table {
    fn new(vendor: &dyn Vendor) -> Result<Table, String> {
        let operations = vendor.operations();
        let mut by_path: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, op) in operations.iter().enumerate() {
            match by_path.iter_mut().find(|(p, _)| *p == op.path) {
                Some((_, ops)) => ops.push(i),
                None => by_path.push((op.path, vec![i])),
            }
        }
        let mut paths = matchit::Router::new();
        for (path, ops) in by_path {
            paths
                .insert(path, ops)
                .map_err(|e| format!("route {path} of {}: {e}", vendor.name()))?;
        }
        Ok(Table { operations, paths })
    }

    fn find(&self, method: &Method, path: &str) -> Routed {
        let path = if path.is_empty() { "/" } else { path };
        let Ok(matched) = self.paths.at(path) else {
            return Routed::Unknown;
        };
        // HEAD is answered as GET would be, as HTTP servers do.
        let wanted = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        let found = matched
            .value
            .iter()
            .find(|&&i| self.operations[i].method == *wanted);
        match found {
            Some(&index) => Routed::Operation {
                index,
                operation: self.operations[index],
                params: decoded(&matched.params),
            },
            None => Routed::MethodNotAllowed {
                allowed: matched
                    .value
                    .iter()
                    .map(|&i| self.operations[i].method.as_str())
                    .fold(Vec::new(), |mut seen, m| {
                        if !seen.contains(&m) {
                            seen.push(m);
                        }
                        seen
                    }),
            },
        }
    }
}

/// A path template's captured parameters, percent-decoded (`crm%20id` is `crm id`).
pub fn decoded(params: &matchit::Params<'_, '_>) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| {
            let decoded = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
            (k.to_owned(), decoded.into_owned())
        })
        .collect()
}
