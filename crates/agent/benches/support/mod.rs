//! Shared by the agent's benches: inputs, what is timed, and the allocation counter.
pub mod counting_alloc;
pub mod drive;
pub mod inputs;
