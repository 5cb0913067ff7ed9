//! Unit tests of the export core.
