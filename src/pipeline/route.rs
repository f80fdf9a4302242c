//! Finding the operation a request names, before any handler runs: vendor by prefix, then the
//! vendor's operation by path template and method.

use axum::http::Method;

use crate::vendor::Vendor;

/// One vendor's path templates, each with the indices of the operations served there.
pub struct VendorRoutes {
    paths: matchit::Router<Vec<usize>>,
}

pub enum Routed {
    Operation {
        index: usize,
        params: Vec<(String, String)>,
    },
    MethodNotAllowed,
    Unknown,
}

impl VendorRoutes {
    pub fn new(vendor: &dyn Vendor) -> Result<VendorRoutes, String> {
        let mut by_path: Vec<(&str, Vec<usize>)> = Vec::new();
        for (i, op) in vendor.operations().iter().enumerate() {
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
        Ok(VendorRoutes { paths })
    }

    pub fn find(&self, vendor: &dyn Vendor, method: &Method, path: &str) -> Routed {
        let path = if path.is_empty() { "/" } else { path };
        let Ok(matched) = self.paths.at(path) else {
            return Routed::Unknown;
        };
        let ops = vendor.operations();
        // HEAD is answered as GET would be, as HTTP servers do.
        let wanted = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        match matched.value.iter().find(|&&i| ops[i].method == *wanted) {
            Some(&index) => Routed::Operation {
                index,
                // Captured raw from the path; handlers see them decoded (`crm%20id` is `crm id`).
                params: matched
                    .params
                    .iter()
                    .map(|(k, v)| {
                        let decoded = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                        (k.to_owned(), decoded.into_owned())
                    })
                    .collect(),
            },
            None => Routed::MethodNotAllowed,
        }
    }
}
