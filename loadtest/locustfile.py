"""Locust personas for `make load`: clients and agents of the demo, doing what they do.

Clients: list their tickets, open one, poll its live part (every open page does,
every 4 s), now and then reply. Agents: their queue, a ticket's workspace, a reply
through the workspace's htmx form. Each simulated person logs in once through the
login form, as a demo client or one of the load test's agents, taken in turn.

A request fails when it answers anything but what the page answers in use: a 5xx,
a 4xx, or a redirect to the login page.
"""

import itertools
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # locust -f adds only loadtest/
from loadtest.keys import agent_key, current_code

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-portal-2026")
CLIENTS = itertools.cycle(
    [
        "member@andes.example",
        "manager@andes.example",
        "member2@andes.example",
        "manager@vale.example",
        "member@vale.example",
        "manager@atelier.example",
        "manager@northwind.example",
    ]
)
# Made by loadtest/__main__.py, each with an authenticator of key agent_key(n).
AGENTS = itertools.cycle(
    f"load-agent-{n}@loadtest.example"
    for n in range(1, int(os.environ.get("LOADTEST_AGENTS", "8")) + 1)
)
AGENT_NUMBER = re.compile(r"load-agent-(\d+)@")

TICKET_NUMBER = re.compile(r"/tickets/(TKT-\d{4}-\d{5})/")
LIVE_URL = re.compile(r'hx-get="(/tickets/TKT-\d{4}-\d{5}/live/\?v=[0-9.]+)"')
ADMIN_TICKET = re.compile(r"/admin/tickets/ticket/(\d+)/change/")
SEEN = re.compile(r'name="seen" value="(\d+)"')
REPLIES = [
    "Gracias, lo revisamos y les contamos.",
    "Obrigado, seguimos acompanhando.",
    "Merci, nous regardons cela.",
    "Thanks, still happening on our side after the restart.",
]


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    accounts = CLIENTS

    def on_start(self):
        self.email = next(self.accounts)
        self.client.get("/account/login/", name="login page")
        with self.client.post(
            "/account/login/",
            {
                "username": self.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if location.endswith("/account/login/verify/"):
                self.second_step()
            elif response.status_code != 302 or "/account/login" in location:
                response.failure(f"{self.email} could not log in ({response.status_code})")

    def second_step(self):
        """Staff type the code their authenticator shows (this step's, else the next's)."""
        key = agent_key(int(AGENT_NUMBER.search(self.email).group(1)))
        for ahead in (0, 1):
            with self.client.post(
                "/account/login/verify/",
                self.form(code=current_code(key, ahead)),
                name="login: second step",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    return
                if ahead:
                    response.failure(f"{self.email}: code refused ({response.status_code})")
                else:
                    response.success()  # a code already used this step: the next one

    def form(self, **data) -> dict:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}

    def get_ok(self, url, name, statuses=(200,)):
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in statuses:
                response.failure(f"{response.status_code} for {url}")
            return response


class PortalClient(Person):
    """A client of a demo organisation, in the portal."""

    weight = 3
    accounts = CLIENTS

    def on_start(self):
        super().on_start()
        self.numbers: list[str] = []
        self.replyable: set[str] = set()  # pages that showed the reply form
        self.live: str | None = None
        self.list_tickets()

    @task(4)
    def list_tickets(self):
        response = self.get_ok("/tickets/", "tickets: list")
        self.numbers = sorted(set(TICKET_NUMBER.findall(response.text))) or self.numbers

    @task(3)
    def open_ticket(self):
        if not self.numbers:
            return
        number = random.choice(self.numbers)
        response = self.get_ok(f"/tickets/{number}/", "tickets: open one")
        # A merged ticket takes no reply: its page shows no reply form.
        if 'name="body"' in response.text:
            self.replyable.add(number)
        found = LIVE_URL.search(response.text)
        self.live = found.group(1) if found else None

    @task(8)
    def poll(self):
        if self.live is None:
            return
        # 204 while nothing changed; the live part (200) when someone wrote meanwhile.
        response = self.get_ok(self.live, "tickets: live poll", statuses=(200, 204))
        if response.status_code == 200:
            found = LIVE_URL.search(response.text)
            self.live = found.group(1) if found else self.live

    @task(1)
    def reply(self):
        if not self.replyable:
            return
        number = random.choice(sorted(self.replyable))
        with self.client.post(
            f"/tickets/{number}/",
            self.form(body=random.choice(REPLIES)),
            name="tickets: reply",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # 302 back to the ticket, the reply sent.
            if response.status_code != 302 or "/account/login" in response.headers.get(
                "Location", ""
            ):
                response.failure(f"reply answered {response.status_code}")


class SupportAgent(Person):
    """Support staff in the admin: the queue, a ticket's workspace, a reply."""

    weight = 1
    accounts = AGENTS

    def on_start(self):
        super().on_start()
        self.ids: list[str] = []
        self.seen: dict[str, str] = {}
        self.queue()

    @task(4)
    def queue(self):
        response = self.get_ok("/admin/tickets/ticket/", "agent: queue")
        self.ids = sorted(set(ADMIN_TICKET.findall(response.text))) or self.ids

    @task(3)
    def ticket_page(self):
        if not self.ids:
            return
        pk = random.choice(self.ids)
        response = self.get_ok(f"/admin/tickets/ticket/{pk}/change/", "agent: ticket page")
        found = SEEN.search(response.text)
        if found:
            self.seen[pk] = found.group(1)

    @task(1)
    def reply(self):
        if not self.seen:
            return
        pk, seen = random.choice(list(self.seen.items()))
        with self.client.post(
            f"/admin/tickets/ticket/{pk}/act/reply/",
            self.form(reply=random.choice(REPLIES), seen=seen),
            headers={"HX-Request": "true"},
            name="agent: reply",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # 200: sent, or refused once because a colleague wrote meanwhile (in use too).
            if response.status_code != 200:
                response.failure(f"reply answered {response.status_code}")
            found = SEEN.search(response.text)
            if found:
                self.seen[pk] = found.group(1)
