//! The registry of simulated vendors. Adding a vendor: a folder beside these, and one line here.

pub mod devrev;
pub mod merge;
pub mod salesforce;
pub mod seismic;
pub mod siro;

use crate::vendor::{Vendor, VendorSettings};

/// Every simulated vendor, each seeded for deterministic ids and fake data.
pub fn registry(settings: &VendorSettings) -> Vec<Box<dyn Vendor>> {
    vec![
        Box::new(devrev::DevRev::new(settings.clone())),
        Box::new(siro::Siro::new(settings.clone())),
        Box::new(merge::Merge::new(settings.clone())),
        Box::new(salesforce::Salesforce::new(settings.clone())),
        Box::new(seismic::Seismic::new(settings.clone())),
    ]
}

#[cfg(test)]
mod tests {
    use crate::vendor::GenericKind;

    #[test]
    fn every_vendor_has_a_native_kind_for_every_generic_kind() {
        for vendor in super::registry(&crate::Config::default().vendor_settings(0)) {
            for g in GenericKind::ALL {
                assert!(
                    vendor.find_kind(g.name()).is_some(),
                    "{} has no kind for {}",
                    vendor.name(),
                    g.name()
                );
            }
        }
    }
}
