"""Clustering quality on the labelled set, through the real storage path (issue 6 targets)."""
from __future__ import annotations

from tests.fixtures.dedup.labelled import cluster_labelled, load_labelled, pairwise_scores


def test_pairwise_precision_and_recall_meet_the_targets(db):
    articles = load_labelled()
    stories = cluster_labelled(db, articles)
    scores = pairwise_scores(articles, stories)
    assert scores["pairs_labelled_same"] >= 40
    assert scores["precision"] >= 0.99, scores
    assert scores["recall"] >= 0.95, scores


def test_every_labelled_story_is_one_cluster_and_no_cluster_mixes_labels(db):
    articles = load_labelled()
    stories = cluster_labelled(db, articles)
    by_label: dict[str, set[int]] = {}
    by_story: dict[int, set[str]] = {}
    for a in articles:
        by_label.setdefault(a.label, set()).add(stories[a.key])
        by_story.setdefault(stories[a.key], set()).add(a.label)
    assert {label: ids for label, ids in by_label.items() if len(ids) > 1} == {}
    assert {sid: labels for sid, labels in by_story.items() if len(labels) > 1} == {}
