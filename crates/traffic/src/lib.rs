//! `rollouts-traffic`: traffic routers (NGINX, Istio, SMI, ALB, Traefik, Gateway API) behind one trait;
//! each builds its desired objects purely before they are applied.
//!
//! The crate holds its place in the workspace layering (`api -> core -> traffic -> controller`); routers
//! arrive with the traffic-routing issue.
