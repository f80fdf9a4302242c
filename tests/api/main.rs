//! One integration-test binary: every test starts the real simulator on an ephemeral port and
//! talks HTTP to it.

mod support;

mod admin;
mod clock;
mod dashboard;
mod devrev;
mod fuzz;
mod isolation;
mod logging;
mod merge;
mod persistence;
mod reliability;
mod salesforce;
mod scenarios;
mod seismic;
mod siro;
