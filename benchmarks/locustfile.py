"""Locust users for the load run (`benchmarks/loadrun.py` starts it headless). Each simulated
user is one Bridge user signed in with an API token, asking for what people open all day: the
case list, a search, a case, their tasks, incoming handoffs and notifications (and, for
supervisors, the dashboard). No think time: the run measures how much one machine serves."""

import json
import os
import random

from locust import FastHttpUser, constant, task

with open(os.environ["BRIDGE_LOCUST_ACTORS"], encoding="utf-8") as handle:
    ACTORS = json.load(handle)


class BridgeUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.actor = random.choice(ACTORS)
        self.headers = {"Authorization": f"Token {self.actor['token']}"}

    def _get(self, path: str, name: str) -> None:
        self.client.get(path, headers=self.headers, name=name)

    @task(4)
    def case_list(self) -> None:
        self._get("/api/v1/cases/", "case list")

    @task(2)
    def case_search(self) -> None:
        term = random.choice(self.actor["search_terms"])
        self._get(f"/api/v1/cases/?q={term}", "case search")

    @task(6)
    def case_detail(self) -> None:
        self._get(f"/api/v1/cases/{random.choice(self.actor['case_ids'])}/", "case detail")

    @task(3)
    def my_tasks(self) -> None:
        self._get("/api/v1/tasks/?assignee=me&status=open", "my tasks")

    @task(2)
    def incoming_handoffs(self) -> None:
        self._get("/api/v1/handoffs/?direction=incoming&status=pending", "incoming handoffs")

    @task(3)
    def notifications(self) -> None:
        self._get("/api/v1/notifications/", "notifications")

    @task(1)
    def dashboard(self) -> None:
        if self.actor["role"] == "supervisor":
            self._get("/api/v1/dashboard/", "dashboard")
