//! Leader election against the sandbox: one of two instances leads and only the leader reconciles; the
//! other takes over when the leader stops renewing, or at once when it shuts down gracefully and
//! releases the lease; a 409 on the lease is a lost race.

mod common;

use std::time::Duration;

use common::{Scripted, create_rollout, lease, rollout, sandbox, settings, start, wait_for, within};
use k8s_openapi::api::coordination::v1::Lease;
use kube::Api;
use rollouts_controller::leader::LeaderElector;
use rollouts_sandbox::Sandbox;

async fn holder(sb: &Sandbox) -> Option<String> {
    let leases: Api<Lease> = Api::namespaced(sb.client(), "default");
    let lease = leases
        .get_opt("argo-rollouts-controller-lock")
        .await
        .expect("read the lease")?;
    lease.spec?.holder_identity.filter(|h| !h.is_empty())
}

#[tokio::test]
async fn one_instance_leads_and_the_other_takes_over_when_renewals_stop() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    let (pa, pb) = (Scripted::settled(), Scripted::settled());
    let mut sa = settings();
    sa.lease = Some(lease("a", Duration::from_secs(2)));
    let a = start(&sb, sa, &pa);
    let mut a_leading = a.leading.clone();
    within("a leads", 20, a_leading.wait_for(|l| *l)).await.unwrap();
    let mut sbs = settings();
    sbs.lease = Some(lease("b", Duration::from_secs(2)));
    let b = start(&sb, sbs, &pb);
    wait_for("the leader reconciles", 20, || async {
        (pa.count("web") >= 1).then_some(())
    })
    .await;
    assert_eq!(holder(&sb).await.as_deref(), Some("a"));
    // b tries every 100 ms; let it observe the lease held several times while a renews.
    let renewals = sb.requests().count("update", "leases");
    wait_for("a renews a few times", 20, || async {
        (sb.requests().count("update", "leases") >= renewals + 5).then_some(())
    })
    .await;
    assert!(!*b.leading.borrow(), "b stands by while a renews");
    assert_eq!(pb.count("web"), 0, "only the leader reconciles");

    // a stops renewing without releasing (a crash): b takes over once the lease expires.
    a.task.abort();
    let mut b_leading = b.leading.clone();
    within("b takes over", 20, b_leading.wait_for(|l| *l))
        .await
        .unwrap();
    assert_eq!(holder(&sb).await.as_deref(), Some("b"));
    wait_for("the new leader reconciles", 20, || async {
        (pb.count("web") >= 1).then_some(())
    })
    .await;
    let leases: Api<Lease> = Api::namespaced(sb.client(), "default");
    let transitions = leases
        .get("argo-rollouts-controller-lock")
        .await
        .unwrap()
        .spec
        .unwrap()
        .lease_transitions;
    assert_eq!(transitions, Some(1));
    b.stop().await;
}

#[tokio::test]
async fn a_graceful_shutdown_releases_the_lease_for_an_immediate_handover() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    let (pa, pb) = (Scripted::settled(), Scripted::settled());
    // A lease far longer than the test's patience: only a release can hand over in time.
    let mut sa = settings();
    sa.lease = Some(lease("a", Duration::from_secs(120)));
    let a = start(&sb, sa, &pa);
    let mut a_leading = a.leading.clone();
    within("a leads", 20, a_leading.wait_for(|l| *l)).await.unwrap();
    let mut sbs = settings();
    sbs.lease = Some(lease("b", Duration::from_secs(120)));
    let b = start(&sb, sbs, &pb);
    wait_for("the leader reconciles", 20, || async {
        (pa.count("web") >= 1).then_some(())
    })
    .await;
    a.stop().await;
    let mut b_leading = b.leading.clone();
    within("b takes over at once", 10, b_leading.wait_for(|l| *l))
        .await
        .unwrap();
    wait_for("b reconciles", 20, || async {
        (pb.count("web") >= 1).then_some(())
    })
    .await;
    assert_eq!(holder(&sb).await.as_deref(), Some("b"));
    b.stop().await;
    assert_eq!(
        holder(&sb).await,
        None,
        "the last leader released the lease on shutdown"
    );
}

#[tokio::test]
async fn a_conflict_on_the_lease_is_a_lost_race_and_a_held_lease_is_respected() {
    let sb = sandbox().await;
    let mut a = LeaderElector::new(sb.client(), lease("a", Duration::from_secs(60)));
    let mut b = LeaderElector::new(sb.client(), lease("b", Duration::from_secs(60)));
    assert!(
        a.try_acquire_or_renew().await.unwrap(),
        "a creates and holds the lease"
    );
    assert!(
        !b.try_acquire_or_renew().await.unwrap(),
        "b respects a held lease"
    );
    assert_eq!(b.holder().as_deref(), Some("a"));
    sb.faults().fail_writes("leases", 409, 1);
    assert!(
        !a.try_acquire_or_renew().await.unwrap(),
        "a 409 on renewal is a lost race, not an error"
    );
    assert!(
        a.try_acquire_or_renew().await.unwrap(),
        "the next renewal succeeds"
    );
    a.release().await.unwrap();
    assert!(
        b.try_acquire_or_renew().await.unwrap(),
        "a released lease is free at once"
    );
    assert_eq!(holder(&sb).await.as_deref(), Some("b"));
}

#[tokio::test]
async fn without_leader_election_a_shutdown_stops_promptly() {
    let sb = sandbox().await;
    create_rollout(&sb, &rollout("web")).await;
    let p = Scripted::settled();
    let ctl = start(&sb, settings(), &p);
    wait_for("a reconcile", 20, || async {
        (p.count("web") >= 1).then_some(())
    })
    .await;
    let mut leading = ctl.leading.clone();
    assert!(*leading.borrow_and_update());
    ctl.stop().await;
    assert!(!*leading.borrow(), "stopped");
    assert_eq!(holder(&sb).await, None, "no lease is used");
}
