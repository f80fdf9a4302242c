//! The registry of simulated vendors. Adding a vendor: a folder beside these, and one line here.

pub mod devrev;
pub mod merge;
pub mod salesforce;
pub mod seismic;
pub mod siro;

use crate::vendor::{Vendor, VendorSettings};

/// Every simulated vendor, each seeded for deterministic ids and fake data.
pub fn registry(settings: VendorSettings) -> Vec<Box<dyn Vendor>> {
    vec![
        Box::new(devrev::DevRev::new(settings)),
        Box::new(siro::Siro::new(settings)),
        Box::new(merge::Merge::new(settings)),
        Box::new(salesforce::Salesforce::new(settings)),
        Box::new(seismic::Seismic::new(settings)),
    ]
}
