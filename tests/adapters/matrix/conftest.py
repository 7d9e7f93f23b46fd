"""Fixtures of the Matrix tests: a person on the homeserver and a fresh bot account."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nio import AsyncClient

from tests.adapters.matrix.matrix_user import MatrixUser, fast_failing_config
from tests.fixtures.synapse import MatrixAccount, Synapse


@pytest.fixture
async def user(synapse: Synapse) -> AsyncIterator[MatrixUser]:
    person = MatrixUser(synapse, synapse.register())
    await person.start()
    yield person
    await person.client.close()


@pytest.fixture
async def bot_account(synapse: Synapse) -> MatrixAccount:
    account = synapse.register()
    client = AsyncClient(synapse.base_url, account.user_id, config=fast_failing_config())
    client.restore_login(account.user_id, account.device_id, account.access_token)
    await client.set_displayname("Lotse")
    await client.close()
    return account
