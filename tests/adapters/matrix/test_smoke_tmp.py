from tests.fixtures.synapse import Synapse

def test_register(synapse: Synapse) -> None:
    a = synapse.register()
    print(a)
    assert a.user_id.endswith(":lotse.test")
