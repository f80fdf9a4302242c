//! `GET /__admin/metrics`: the pipeline's counters ([`crate::metrics`]) and, read at scrape
//! time, the rule fires the scenario engine keeps, the journal's size and the stored records,
//! in the Prometheus text format (OpenMetrics flavour, which Prometheus reads as it is).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use serde_json::Value;

use crate::admin_reply::error;
use crate::state::AppState;

const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    scenario: String,
    rule: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VendorLabels {
    vendor: &'static str,
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let mut out = String::new();
    let written = state
        .metrics
        .encode(&mut out)
        .and_then(|()| encode_registry(&mut out, &scraped(&state)))
        .and_then(|()| encode_eof(&mut out));
    match written {
        Ok(()) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], out).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode the metrics: {e}"),
        ),
    }
}

/// What is read when scraped rather than counted per call.
fn scraped(state: &AppState) -> Registry {
    let mut registry = Registry::with_prefix("engagement_sim");
    let fires = Family::<RuleLabels, Counter>::default();
    let scenarios = state.scenarios.describe();
    for scenario in scenarios["scenarios"].as_array().into_iter().flatten() {
        let name = scenario["name"].as_str().unwrap_or("");
        for rule in scenario["rules"].as_array().into_iter().flatten() {
            let labels = RuleLabels {
                scenario: name.to_owned(),
                rule: rule["id"].as_str().unwrap_or("").to_owned(),
            };
            fires
                .get_or_create(&labels)
                .inc_by(rule["fired"].as_u64().unwrap_or(0));
        }
    }
    registry.register(
        "rule_fires",
        "Times each loaded scenario rule fired (from zero again when its scenario is reloaded or reset)",
        fires,
    );
    let entries = state
        .journal
        .count(&crate::journal::Filter::default())
        .try_into()
        .unwrap_or(i64::MAX);
    let journal_entries = Gauge::<i64>::default();
    journal_entries.set(entries);
    registry.register(
        "journal_entries",
        "Calls the request journal holds now",
        journal_entries,
    );
    let bytes = Gauge::<i64>::default();
    bytes.set(state.journal.bytes().try_into().unwrap_or(i64::MAX));
    registry.register(
        "journal_bytes",
        "Bytes the request journal's entries take (headers, bodies and bookkeeping)",
        bytes,
    );
    let records = Family::<VendorLabels, Gauge>::default();
    let tenants = Family::<VendorLabels, Gauge>::default();
    for vendor in state.vendors() {
        let labels = VendorLabels {
            vendor: vendor.name(),
        };
        let dump = vendor.store().dump(None);
        let all = dump.as_object().map(|m| m.values().collect::<Vec<_>>());
        let all = all.unwrap_or_default();
        tenants.get_or_create(&labels).set(all.len() as i64);
        records
            .get_or_create(&labels)
            .set(all.iter().map(|t| record_count(t)).sum::<usize>() as i64);
    }
    registry.register(
        "stored_records",
        "Records stored, by vendor, over all tenants (each list in a tenant's state dump counts)",
        records,
    );
    registry.register("tenants", "Tenants with state, by vendor", tenants);
    let stub_tenants = Family::<VendorLabels, Gauge>::default();
    for (i, vendor) in state.vendors().iter().enumerate() {
        let labels = VendorLabels {
            vendor: vendor.name(),
        };
        let kept = state.stubs.records(i).len();
        stub_tenants
            .get_or_create(&labels)
            .set(kept.try_into().unwrap_or(i64::MAX));
    }
    let interned = Gauge::<i64>::default();
    interned.set(state.tenants.interned().try_into().unwrap_or(i64::MAX));
    registry.register(
        "interned_credentials",
        "Credentials resolved once and reused (at most --max-interned-credentials)",
        interned,
    );
    registry.register(
        "stub_tenants",
        "Tenants with stub records (stateful stubs), by vendor",
        stub_tenants,
    );
    registry
}

/// The records in one tenant's state dump: the lengths of its lists.
fn record_count(tenant: &Value) -> usize {
    tenant.as_object().map_or(0, |m| {
        m.values().filter_map(Value::as_array).map(Vec::len).sum()
    })
}
