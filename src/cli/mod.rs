//! Commands of the binary that have outgrown an arm of `main`'s `run`, one file each.

pub mod transfer;
