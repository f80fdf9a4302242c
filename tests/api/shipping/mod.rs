//! What a team adopting the simulator meets first: HTTPS, CORS for browser apps, Prometheus
//! metrics, and a command line that helps.

mod check;
mod cli;
mod cors;
mod metrics;
mod readme;
mod tls;
