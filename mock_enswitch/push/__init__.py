"""What the server pushes out on its own event loop: events POSTed to each customer's URL
(delivery.py), the events websocket (websocket.py), and the ticker that lets the mock clock's
time pass for the switch's calls while no client calls (live.py)."""
