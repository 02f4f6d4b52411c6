// ZweGateway owns the gateway component.
public enum GatewayComponent {}
