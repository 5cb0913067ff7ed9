//! Files Pizhu writes for the user: atomic writes, and damaged files kept aside.

pub mod annotations;
pub mod record;

pub use crate::files::{keep_aside, write_atomic};

/// A time as the user's clock shows it, to the minute (when a backup was written).
pub fn local_time(t: std::time::SystemTime) -> String {
    jiff::Timestamp::try_from(t)
        .map(|ts| {
            ts.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}
