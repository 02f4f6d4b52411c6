// ZweExplorerJES owns the explorer-jes component.
public enum ExplorerJESComponent {}
