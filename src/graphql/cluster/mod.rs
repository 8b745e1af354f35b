//! Cluster profiles in GraphQL: the type and its lookups, the inputs that describe a profile, and
//! the writes.

mod inputs;
mod mutations;
mod object;

pub(crate) use inputs::patch;
pub use mutations::ClusterMutation;
pub use object::{Cluster, ClusterQuery};

pub const TYPE_NAME: &str = "Cluster";
