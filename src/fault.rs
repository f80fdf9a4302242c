//! Connection-level failures a scenario can ask for. A leaf: the scenario engine chooses one, the
//! pipeline and a vendor's own transport carry it out, and neither needs the other to name it.

/// A connection-level failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    ConnectionReset,
    EmptyResponse,
    MalformedBody,
    Timeout,
    SlowBody,
}

impl Fault {
    /// Every fault, in the order the README lists them.
    pub const ALL: [Fault; 5] = [
        Fault::ConnectionReset,
        Fault::EmptyResponse,
        Fault::MalformedBody,
        Fault::Timeout,
        Fault::SlowBody,
    ];

    /// The name a scenario file uses.
    pub fn name(self) -> &'static str {
        match self {
            Fault::ConnectionReset => "connection_reset",
            Fault::EmptyResponse => "empty_response",
            Fault::MalformedBody => "malformed_body",
            Fault::Timeout => "timeout",
            Fault::SlowBody => "slow_body",
        }
    }
}
