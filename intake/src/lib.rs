//! What citizens and staff upload, read before the rest of the server sees it: the multipart
//! reader of the report and tracking forms ([`multipart`]) and the photo pipeline ([`photo`]).
//! Nothing here touches the database, the configuration or the network, so that the fuzz
//! targets in `fuzz/` can build and run it in minutes without the server.

pub mod multipart;
pub mod photo;
