global using System.Text.Json.Nodes;
global using System.Text.Json.Serialization;
