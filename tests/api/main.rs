//! One integration-test binary: every test starts the real simulator on an ephemeral port and
//! talks HTTP to it.

mod support;

mod admin;
mod admin_guard;
mod bookkeeping;
mod clock;
mod connections;
mod contract_check;
mod dashboard;
mod devrev;
mod fuzz;
mod isolation;
mod logging;
mod merge;
mod openapi;
mod persistence;
mod proxy;
mod read_state;
mod reliability;
mod salesforce;
mod scenarios;
mod seismic;
mod shipping;
mod shutdown;
mod siro;
mod stubs;
mod tenant_budget;
