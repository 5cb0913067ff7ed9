//! Pizhu (批注): a reader and annotation tool for speeches, reports and official documents.
//!
//! The core is pure: [`document`] turns bytes into a normalised [`document::Document`],
//! [`outline`] finds its structure, [`stats`] counts it. [`cli`] is the command line on top.

pub mod annotate;
pub mod app;
pub mod cli;
pub mod crash;
pub mod document;
pub mod export;
pub mod files;
pub mod lang;
pub mod library;
pub mod outline;
pub mod search;
pub mod session;
pub mod stats;
pub mod store;
pub mod terminal;
#[cfg(test)]
mod testing;

pub use document::{Document, TextRange};
pub use outline::{Outline, outline};
