//! The registry of simulated vendors. Adding a vendor: a folder beside these, and one line here.

pub mod devrev;
pub mod merge;
pub mod salesforce;
pub mod seismic;
pub mod siro;

use crate::vendor::Vendor;

/// Every simulated vendor, each seeded for deterministic ids and fake data.
pub fn registry(seed: u64) -> Vec<Box<dyn Vendor>> {
    vec![
        Box::new(devrev::DevRev::new(seed)),
        Box::new(siro::Siro::new(seed)),
        Box::new(merge::Merge::new(seed)),
        Box::new(salesforce::Salesforce::new(seed)),
        Box::new(seismic::Seismic::new(seed)),
    ]
}
