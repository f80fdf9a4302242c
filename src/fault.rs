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
