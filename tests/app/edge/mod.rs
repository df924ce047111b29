//! newsdesk behind the engines of `deploy/`: Varnish for pages, Pushpin for
//! live streams, both started by `deploy/run-edge.sh` on free ports.

mod holds;
mod outage;
mod proxies;
mod servers;
mod site;
