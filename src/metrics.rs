//! The counters behind `GET /__admin/metrics`: calls by vendor, operation and status, their
//! latency, and connection faults, fed by the pipeline's record step. What is cheaper to read
//! when scraped than to count per call (journal and store sizes, rule fires, which the scenario
//! engine counts anyway) is added by the admin handler. A leaf: it knows no other module.
//!
//! prometheus-client, not the `metrics` facade: each simulator owns its registry (tests run many
//! in one process, and a global recorder would mix their counts), and label sets of `&'static str`
//! make counting a call a hash lookup with no allocation once a series exists.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    vendor: &'static str,
    operation: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VendorLabels {
    vendor: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FaultLabels {
    vendor: &'static str,
    fault: &'static str,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<CallLabels, Counter>,
    latency: Family<VendorLabels, Histogram, fn() -> Histogram>,
    faults: Family<FaultLabels, Counter>,
}

/// Latency buckets in seconds: 0.25 ms to about 8 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Metrics {
        let requests = Family::<CallLabels, Counter>::default();
        let latency = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let faults = Family::<FaultLabels, Counter>::default();
        let mut registry = Registry::with_prefix("engagement_sim");
        registry.register(
            "requests",
            "Calls to the vendors, by vendor, operation and answered status ('-' where routing did not find one)",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time from a call's arrival to its answer, by vendor (scenario delays included)",
            latency.clone(),
        );
        registry.register(
            "faults",
            "Connection and body faults a scenario carried out, by vendor and fault",
            faults.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            faults,
        }
    }
}

impl Metrics {
    /// Counts one answered call.
    pub fn call(
        &self,
        vendor: &'static str,
        operation: &'static str,
        status: u16,
        seconds: f64,
        fault: Option<crate::fault::Fault>,
    ) {
        self.requests
            .get_or_create(&CallLabels {
                vendor,
                operation,
                status,
            })
            .inc();
        self.latency
            .get_or_create(&VendorLabels { vendor })
            .observe(seconds);
        if let Some(fault) = fault {
            self.faults
                .get_or_create(&FaultLabels {
                    vendor,
                    fault: fault.name(),
                })
                .inc();
        }
    }

    /// The counters in the text exposition format, without the closing `# EOF`.
    pub fn encode(&self, out: &mut String) -> std::fmt::Result {
        prometheus_client::encoding::text::encode_registry(out, &self.registry)
    }
}
