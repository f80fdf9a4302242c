//! A vendor's operation table: one [`Endpoint`] row per operation, each carrying the function that
//! serves it, so adding an operation is adding a row and a handler, and dispatch needs no match.

use std::sync::Arc;

use axum::http::Method;

use super::call::{Call, Reply};
use super::error::ApiError;
use super::operation::Operation;
use crate::store::settings::VendorSettings;
use crate::store::tenants::TenantStore;

/// A table-driven vendor: every tenant's records of state type `T`, behind an `Arc` so the
/// vendor's own routes can share them. Each vendor names its instance
/// (`pub type DevRev = Served<TenantData>;`) and implements `Vendor` for it.
pub struct Served<T>(pub Arc<TenantStore<T>>);

impl<T> Served<T> {
    pub fn new(settings: VendorSettings) -> Served<T> {
        Served(Arc::new(TenantStore::new(settings)))
    }
}

/// The function that serves one operation of vendor `V`, once credentials, scenario rules and the
/// contract have passed.
pub type Handler<V> = fn(&V, &Call<'_>) -> Result<Reply, ApiError>;

/// One row of a vendor's operation table: adding an operation is adding a row.
pub struct Endpoint<V: 'static> {
    pub operation: Operation,
    pub handler: Handler<V>,
}

impl<V> Endpoint<V> {
    /// One row, for `static` tables.
    pub const fn new(
        id: &'static str,
        method: Method,
        path: &'static str,
        request_schema: Option<&'static str>,
        summary: &'static str,
        handler: Handler<V>,
    ) -> Endpoint<V> {
        Endpoint {
            operation: Operation {
                id,
                method,
                path,
                request_schema,
                summary,
            },
            handler,
        }
    }
}

/// The operations of a table, in table order: what [`super::Vendor::operations`] answers.
pub fn operations_of<V>(table: &'static [Endpoint<V>]) -> Vec<&'static Operation> {
    table.iter().map(|e| &e.operation).collect()
}

/// Serves a call with the handler of its row. The pipeline found `call.index` in the routing table
/// built from this same table, so it always names a row.
pub fn serve<V>(
    vendor: &V,
    table: &'static [Endpoint<V>],
    call: &Call<'_>,
) -> Result<Reply, ApiError> {
    (table[call.index].handler)(vendor, call)
}

/// The methods every table-driven vendor writes alike: its name, its operations and their
/// handlers (the rows of `$table`, served against `self.$records`), its errors and its store. Use it
/// inside `impl Vendor for ...`; `self.$records` is an `Arc` of the vendor's tenant store.
#[macro_export]
macro_rules! table_vendor {
    ($name:literal, $table:expr, $errors:expr, $records:tt) => {
        fn name(&self) -> &'static str {
            $name
        }

        fn operations(&self) -> Vec<&'static $crate::vendor::Operation> {
            $crate::vendor::operations_of($table)
        }

        fn handle(
            &self,
            call: &$crate::vendor::Call<'_>,
        ) -> Result<$crate::vendor::Reply, $crate::vendor::ApiError> {
            $crate::vendor::serve(&*self.$records, $table, call)
        }

        fn errors(&self) -> &'static $crate::vendor::Errors {
            &$errors
        }

        fn store(&self) -> &dyn $crate::store::StateStore {
            &*self.$records
        }
    };
}
