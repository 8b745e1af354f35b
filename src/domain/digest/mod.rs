//! The weekly digest (issue 16): its subscribers and their double opt-in, and the links every
//! digest mail carries.

pub mod unsubscribe;
pub mod subscription;
