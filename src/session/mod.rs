//! One open document and everything a reader does with it, without a window: its
//! annotations and their store, the way back and forward across jumps. The window (`app`)
//! and the tests drive it; it never imports egui, eframe or rfd.

pub mod history;
pub mod notes;
pub mod keymap;
