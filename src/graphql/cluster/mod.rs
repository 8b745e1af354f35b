//! Cluster profiles in GraphQL: the type and its lookups, the inputs that describe a profile, and
//! the writes, and the import of a partner's registry.

mod import;
mod inputs;
mod mutations;
mod object;

pub use import::ClusterImportMutation;
pub(crate) use inputs::patch;
pub use mutations::ClusterMutation;
pub use object::{Cluster, ClusterQuery};

pub const TYPE_NAME: &str = "Cluster";
