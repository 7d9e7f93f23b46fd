"""Local stand-ins for the network peers Lotse talks to, faked at the HTTP seam."""
